package dev.studio.runtime.link;

import dev.studio.runtime.dispatch.Lane;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** The link's view of the runs table: which runs wait for or run on a link, and moving them. */
public final class LinkRunStore {
  private final Jdbi jdbi;

  /** A linked run that has not ended. */
  public record Linked(UUID id, UUID threadId, Lane lane, UUID user, boolean started, String worker) {}

  public LinkRunStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Hands a queued hosted run to the user's link; false if it is no longer queued. */
  public boolean toLink(UUID run, UUID user) {
    return jdbi.withHandle(h -> h.createUpdate("update runs set transport = 'link', link_user = ? where id = ? and state = 'queued' "
        + "and transport = 'hosted'").bind(0, user).bind(1, run).execute()) == 1;
  }

  /** Takes a queued linked run back for the hosted workers; false if a link started it (or it ended). */
  public boolean toHosted(UUID run) {
    return jdbi.withHandle(h -> h.createUpdate("update runs set transport = 'hosted' where id = ? and state = 'queued' "
        + "and transport = 'link'").bind(0, run).execute()) == 1;
  }

  /** The user whose link a run is on, if it is a linked run. */
  public Optional<UUID> user(UUID run) {
    return jdbi.withHandle(h -> h.createQuery("select link_user from runs where id = ? and transport = 'link'")
        .bind(0, run).mapTo(UUID.class).findOne());
  }

  /** Records the sandbox a linked run uses (as its link names it). */
  public void sandbox(UUID run, int attempt, String sandbox) {
    jdbi.useHandle(h -> h.createUpdate("update runs set sandbox = ? where id = ? and attempt = ? and transport = 'link'")
        .bind(0, sandbox).bind(1, run).bind(2, attempt).execute());
  }

  /** Linked runs not ended yet, oldest first. */
  public List<Linked> unfinished(int limit) {
    return jdbi.withHandle(h -> h.createQuery("select id, thread_id, lane, link_user, state, worker from runs "
            + "where transport = 'link' and state in ('queued', 'running') order by created_at limit ?")
        .bind(0, limit)
        .map((rs, ctx) -> new Linked(rs.getObject("id", UUID.class), rs.getObject("thread_id", UUID.class),
            Lane.valueOf(rs.getString("lane")), rs.getObject("link_user", UUID.class), rs.getString("state").equals("running"),
            rs.getString("worker")))
        .list());
  }

  /**
   * Runs this link process started more than a grace ago that it no longer says it runs: their
   * work item never reached it (the poll's answer was lost), or it dropped them.
   */
  public List<Linked> dropped(String worker, Collection<UUID> running, java.time.Duration grace) {
    return jdbi.withHandle(h -> h.createQuery("select id, thread_id, lane, link_user, state, worker from runs where worker = ? "
            + "and transport = 'link' and state = 'running' and started_at < now() - make_interval(secs => ?) and not (id = any(?))")
        .bind(0, worker).bind(1, grace.toMillis() / 1000.0).bind(2, running.toArray(UUID[]::new))
        .map((rs, ctx) -> new Linked(rs.getObject("id", UUID.class), rs.getObject("thread_id", UUID.class),
            Lane.valueOf(rs.getString("lane")), rs.getObject("link_user", UUID.class), true, rs.getString("worker")))
        .list());
  }
}
