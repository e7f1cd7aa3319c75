package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** What became of each bundle job, for the bundle's job history. A job delivered again overwrites its entry. */
public final class BundleJobLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbi jdbi;

  public BundleJobLog(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** One job's outcome. */
  public record Entry(String id, String bundle, String workKind, UUID org, String schedule, String revision, State state,
      JsonNode result, String error, Instant finishedAt) {}

  /** How a job ended. */
  public enum State {
    completed,
    failed,
    skipped
  }

  public void record(Entry entry) {
    jdbi.useHandle(h -> h.createUpdate("insert into bundle_jobs (id, bundle, work_kind, org_id, schedule, revision, state, result, error) "
            + "values (?, ?, ?, cast(? as uuid), ?, ?, ?, cast(? as jsonb), ?) on conflict (id) do update set revision = excluded.revision, "
            + "state = excluded.state, result = excluded.result, error = excluded.error, finished_at = now()")
        .bind(0, entry.id()).bind(1, entry.bundle()).bind(2, entry.workKind()).bind(3, entry.org() == null ? null : entry.org().toString()).bind(4, entry.schedule())
        .bind(5, entry.revision()).bind(6, entry.state().name()).bind(7, entry.result() == null ? null : entry.result().toString())
        .bind(8, entry.error()).execute());
  }

  /** The latest jobs of a bundle an organisation may see: its own and the schedules'. */
  public List<Entry> latest(String bundle, UUID org, int limit) {
    return jdbi.withHandle(h -> h.createQuery("select id, bundle, work_kind, org_id, schedule, revision, state, result, error, finished_at "
            + "from bundle_jobs where bundle = ? and (org_id = ? or org_id is null) order by finished_at desc limit ?")
        .bind(0, bundle).bind(1, org).bind(2, limit)
        .map((rs, ctx) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class), rs.getString(5),
            rs.getString(6), State.valueOf(rs.getString(7)), parse(rs.getString(8)), rs.getString(9),
            rs.getTimestamp(10).toInstant()))
        .list());
  }

  /** How many jobs a schedule has fired (for the schedule's own accounting and tests). */
  public int firedBy(String bundle, String schedule) {
    return jdbi.withHandle(h -> h.createQuery("select count(*) from bundle_jobs where bundle = ? and schedule = ?").bind(0, bundle)
        .bind(1, schedule).mapTo(Integer.class).one());
  }

  private static JsonNode parse(String json) {
    try {
      return json == null ? null : JSON.readTree(json);
    } catch (Exception e) {
      return null;
    }
  }
}
