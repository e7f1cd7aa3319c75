package dev.studio.runtime.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Threads and their messages. */
public final class ThreadStore {
  private final Jdbi jdbi;

  public ThreadStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public ChatThread create(UUID orgId, String title) {
    UUID id = UUID.randomUUID();
    return jdbi.withHandle(h -> h.createQuery(
            "insert into threads (id, org_id, title) values (?, ?, ?) returning id, org_id, title, created_at")
        .bind(0, id).bind(1, orgId).bind(2, title)
        .map((rs, ctx) -> thread(rs))
        .one());
  }

  public Optional<ChatThread> get(UUID orgId, UUID threadId) {
    return jdbi.withHandle(h -> h.createQuery("select id, org_id, title, created_at from threads where id = ? and org_id = ?")
        .bind(0, threadId).bind(1, orgId)
        .map((rs, ctx) -> thread(rs))
        .findOne());
  }

  /** The org's threads, newest first. */
  public List<ChatThread> list(UUID orgId, int limit) {
    return jdbi.withHandle(h -> h.createQuery(
            "select id, org_id, title, created_at from threads where org_id = ? order by created_at desc, id limit ?")
        .bind(0, orgId).bind(1, limit)
        .map((rs, ctx) -> thread(rs))
        .list());
  }

  /**
   * The thread's messages in conversation order, as the model sees them: by run, each run's
   * question before its answer (a follow-up posted while a run was answering comes after that
   * answer).
   */
  public List<Message> messages(UUID threadId) {
    return jdbi.withHandle(h -> h.createQuery("select id, thread_id, role, text, run_id, created_at from messages where thread_id = ? "
            + "order by run_seq, case role when 'user' then 0 else 1 end, created_at, id")
        .bind(0, threadId)
        .map((rs, ctx) -> message(rs))
        .list());
  }

  static ChatThread thread(ResultSet rs) throws SQLException {
    return new ChatThread(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getTimestamp(4).toInstant());
  }

  static Message message(ResultSet rs) throws SQLException {
    return new Message(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
        rs.getObject(5, UUID.class), rs.getTimestamp(6).toInstant());
  }
}
