package dev.studio.runtime.store;

import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Notes the built-in {@code remember} tool writes: an observable side effect. */
public final class NoteStore {
  private final Jdbi jdbi;

  public NoteStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public UUID add(UUID orgId, UUID threadId, UUID runId, String text) {
    UUID id = UUID.randomUUID();
    jdbi.useHandle(h -> h.execute("insert into notes (id, org_id, thread_id, run_id, text) values (?, ?, ?, ?, ?)",
        id, orgId, threadId, runId, text));
    return id;
  }

  public List<String> texts(UUID orgId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("select text from notes where org_id = ? order by created_at desc limit ?")
        .bind(0, orgId).bind(1, limit).mapTo(String.class).list());
  }

  public int countForRun(UUID runId) {
    return jdbi.withHandle(h -> h.createQuery("select count(*) from notes where run_id = ?").bind(0, runId).mapTo(Integer.class).one());
  }
}
