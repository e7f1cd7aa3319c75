package dev.studio.runtime.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Sandboxes and the threads that work in them, in PostgreSQL. */
public final class SandboxStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "id, org_id, owner, handle, spec, state, phase, preview_url, error, created_at";

  private final Jdbi jdbi;

  public SandboxStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Records a new sandbox, starting; empty if the owner already has one for the repository. */
  public Optional<Sandbox> create(UUID orgId, String owner, String handle, SandboxSpec spec) {
    return jdbi.withHandle(h -> h.createQuery("insert into sandboxes (id, org_id, owner, repo, ref, handle, spec, state) "
            + "values (?, ?, ?, ?, ?, ?, cast(? as jsonb), 'starting') on conflict (org_id, owner, repo) do nothing returning " + COLUMNS)
        .bind(0, UUID.randomUUID()).bind(1, orgId).bind(2, owner).bind(3, spec.repo()).bind(4, spec.ref()).bind(5, handle)
        .bind(6, json(spec)).map((rs, ctx) -> sandbox(rs)).findOne());
  }

  public Optional<Sandbox> get(UUID orgId, UUID id) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from sandboxes where id = ? and org_id = ?")
        .bind(0, id).bind(1, orgId).map((rs, ctx) -> sandbox(rs)).findOne());
  }

  public Optional<Sandbox> forProject(UUID orgId, String owner, String repo) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from sandboxes where org_id = ? and owner = ? and repo = ?")
        .bind(0, orgId).bind(1, owner).bind(2, repo).map((rs, ctx) -> sandbox(rs)).findOne());
  }

  /** Sandboxes that are up, oldest first (for activity reports). */
  public List<Sandbox> ready(int limit) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from sandboxes where state = 'ready' order by created_at limit ?")
        .bind(0, limit).map((rs, ctx) -> sandbox(rs)).list());
  }

  /** The owner's sandboxes in the org, newest first. */
  public List<Sandbox> owned(UUID orgId, String owner) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from sandboxes where org_id = ? and owner = ? order by created_at desc")
        .bind(0, orgId).bind(1, owner).map((rs, ctx) -> sandbox(rs)).list());
  }

  /** Records the setup step a starting sandbox is in. */
  public void phase(UUID id, String phase) {
    jdbi.useHandle(h -> h.createUpdate("update sandboxes set phase = ? where id = ? and state = 'starting'")
        .bind(0, phase).bind(1, id).execute());
  }

  public void ready(UUID id, String previewUrl) {
    jdbi.useHandle(h -> h.createUpdate("update sandboxes set state = 'ready', preview_url = ?, error = null where id = ?")
        .bind(0, previewUrl).bind(1, id).execute());
  }

  public void failed(UUID id, String error) {
    jdbi.useHandle(h -> h.createUpdate("update sandboxes set state = 'failed', error = ? where id = ?")
        .bind(0, error).bind(1, id).execute());
  }

  public void orgFsToken(UUID id, UUID tokenId) {
    jdbi.useHandle(h -> h.createUpdate("update sandboxes set orgfs_token_id = ? where id = ?").bind(0, tokenId).bind(1, id).execute());
  }

  /** The org-fs token issued to the sandbox, if any. */
  public Optional<UUID> orgFsToken(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("select orgfs_token_id from sandboxes where id = ? and orgfs_token_id is not null")
        .bind(0, id).mapTo(UUID.class).findOne());
  }

  public boolean delete(UUID orgId, UUID id) {
    return jdbi.withHandle(h -> h.createUpdate("delete from sandboxes where id = ? and org_id = ?").bind(0, id).bind(1, orgId).execute()) == 1;
  }

  /** Lets the thread's agent work in the sandbox; false if the thread is not the org's. */
  public boolean attach(UUID orgId, UUID threadId, UUID sandboxId) {
    return jdbi.withHandle(h -> h.createUpdate("update threads set sandbox_id = ? where id = ? and org_id = ?")
        .bind(0, sandboxId).bind(1, threadId).bind(2, orgId).execute()) == 1;
  }

  /** The sandbox the thread's agent works in. */
  public Optional<Sandbox> forThread(UUID threadId) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS.replaceAll("(\\w+)", "s.$1") + " from threads t "
            + "join sandboxes s on s.id = t.sandbox_id where t.id = ?")
        .bind(0, threadId).map((rs, ctx) -> sandbox(rs)).findOne());
  }

  private static String json(SandboxSpec spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Sandbox sandbox(ResultSet rs) throws SQLException {
    SandboxSpec spec;
    try {
      spec = JSON.readValue(rs.getString("spec"), SandboxSpec.class);
    } catch (Exception e) {
      throw new SQLException("unreadable sandbox spec", e);
    }
    return new Sandbox(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("owner"),
        rs.getString("handle"), spec, Sandbox.State.valueOf(rs.getString("state")), rs.getString("phase"), rs.getString("preview_url"),
        rs.getString("error"), rs.getTimestamp("created_at").toInstant());
  }
}
