package dev.studio.runtime.store;

import dev.studio.runtime.dispatch.Lane;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs, the system of record of the run lifecycle. A run is durable once its row is committed:
 * Redis only ever holds what can be rebuilt from here.
 */
public final class RunStore {
  private static final String COLUMNS =
      "id, org_id, thread_id, seq, message_id, lane, state, bundle, max_steps, attempt, worker, error, reason, created_at, started_at, finished_at";

  private final Jdbi jdbi;

  /** A posted message and the run it started. */
  public record Posted(Message message, Run run) {}

  /** What {@link #start} found: the attempt this worker now owns, and whether it resumes one. */
  public record Started(Run run, boolean resumed) {}

  public RunStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Stores a user message and a queued run for it, in one transaction; the run takes the thread's
   * next sequence number, which fixes the order the thread's runs execute in.
   */
  public Posted post(UUID orgId, UUID threadId, String text, Lane lane, String bundle, int maxSteps) {
    return jdbi.inTransaction(h -> {
      long seq = h.createQuery("update threads set next_run_seq = next_run_seq + 1 where id = ? returning next_run_seq - 1")
          .bind(0, threadId).mapTo(Long.class).one();
      UUID messageId = UUID.randomUUID();
      UUID runId = UUID.randomUUID();
      var message = h.createQuery("""
              insert into messages (id, thread_id, role, text, run_id) values (?, ?, 'user', ?, ?)
              returning id, thread_id, role, text, run_id, created_at""")
          .bind(0, messageId).bind(1, threadId).bind(2, text).bind(3, runId)
          .map((rs, ctx) -> ThreadStore.message(rs)).one();
      var run = h.createQuery("insert into runs (id, org_id, thread_id, seq, message_id, lane, state, bundle, max_steps) "
              + "values (?, ?, ?, ?, ?, ?, 'queued', ?, ?) returning " + COLUMNS)
          .bind(0, runId).bind(1, orgId).bind(2, threadId).bind(3, seq).bind(4, messageId).bind(5, lane.name())
          .bind(6, bundle).bind(7, maxSteps)
          .map((rs, ctx) -> run(rs)).one();
      return new Posted(message, run);
    });
  }

  public Optional<Run> get(UUID runId) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from runs where id = ?")
        .bind(0, runId).map((rs, ctx) -> run(rs)).findOne());
  }

  public Optional<Run> get(UUID orgId, UUID runId) {
    return get(runId).filter(r -> r.orgId().equals(orgId));
  }

  /**
   * Takes a queued (or resumable running) run for this worker: a new attempt, the fencing token
   * every later write of this worker is checked against. Empty if the run is no longer runnable.
   */
  public Optional<Started> start(UUID runId, String worker) {
    return jdbi.inTransaction(h -> {
      var before = h.createQuery("select state from runs where id = ? for update").bind(0, runId).mapTo(String.class).findOne();
      if (before.isEmpty() || Run.State.valueOf(before.get()).terminal()) {
        return Optional.empty();
      }
      var run = h.createQuery("update runs set state = 'running', attempt = attempt + 1, worker = ?, "
              + "started_at = coalesce(started_at, now()) where id = ? returning " + COLUMNS)
          .bind(0, worker).bind(1, runId).map((rs, ctx) -> run(rs)).one();
      return Optional.of(new Started(run, before.get().equals("running")));
    });
  }

  /**
   * Ends the run of this attempt, storing the assistant's answer with it. False if the attempt no
   * longer owns the run (it was cancelled, interrupted or taken over meanwhile).
   */
  public boolean finish(UUID runId, int attempt, Run.State state, String answer, String error, String reason) {
    return jdbi.inTransaction(h -> {
      int updated = h.createUpdate("update runs set state = ?, error = ?, reason = ?, finished_at = now() "
              + "where id = ? and attempt = ? and state = 'running'")
          .bind(0, state.name()).bind(1, error).bind(2, reason).bind(3, runId).bind(4, attempt).execute();
      if (updated == 1 && answer != null) {
        h.execute("insert into messages (id, thread_id, role, text, run_id) "
            + "select ?, thread_id, 'assistant', ?, id from runs where id = ?", UUID.randomUUID(), answer, runId);
      }
      return updated == 1;
    });
  }

  /** Ends a running run a lost worker left in a step that must not be repeated. */
  public boolean interrupt(UUID runId, String reason) {
    return jdbi.withHandle(h -> h.createUpdate("update runs set state = 'interrupted', reason = ?, finished_at = now() "
            + "where id = ? and state = 'running'").bind(0, reason).bind(1, runId).execute()) == 1;
  }

  /** Cancels a run that has not ended; empty if it had (or does not exist in the org). */
  public Optional<Run> cancel(UUID orgId, UUID runId) {
    return jdbi.withHandle(h -> h.createQuery("update runs set state = 'cancelled', reason = 'cancelled', finished_at = now() "
            + "where id = ? and org_id = ? and state in ('queued', 'running') returning " + COLUMNS)
        .bind(0, runId).bind(1, orgId).map((rs, ctx) -> run(rs)).findOne());
  }

  /** Runs not yet ended, in thread order: what the sweeper holds Redis to. */
  public List<Run> unfinished(int limit) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from runs where state in ('queued', 'running') "
            + "order by thread_id, seq limit ?")
        .bind(0, limit).map((rs, ctx) -> run(rs)).list());
  }

  /** How many runs are waiting, per lane (the autoscaler's and the operator's figure). */
  public long queued() {
    return jdbi.withHandle(h -> h.createQuery("select count(*) from runs where state = 'queued'").mapTo(Long.class).one());
  }

  static Run run(ResultSet rs) throws SQLException {
    return new Run(
        rs.getObject("id", UUID.class),
        rs.getObject("org_id", UUID.class),
        rs.getObject("thread_id", UUID.class),
        rs.getLong("seq"),
        rs.getObject("message_id", UUID.class),
        Lane.valueOf(rs.getString("lane")),
        Run.State.valueOf(rs.getString("state")),
        rs.getString("bundle"),
        rs.getInt("max_steps"),
        rs.getInt("attempt"),
        rs.getString("worker"),
        rs.getString("error"),
        rs.getString("reason"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
