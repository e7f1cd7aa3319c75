package dev.studio.runtime.store;

import dev.studio.runtime.datastore.Postgres;
import dev.studio.runtime.dispatch.Lane;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs, the system of record of the run lifecycle. A run is durable once its row is committed:
 * Redis only ever holds what can be rebuilt from here.
 */
public final class RunStore {
  private static final String COLUMNS =
      "id, org_id, thread_id, seq, message_id, lane, state, bundle, max_steps, attempt, worker, error, reason, created_at, started_at, finished_at, transport, sandbox";

  private final Jdbi jdbi;
  private final DataSource dataSource;
  private final GroupCommit<Completion> completions = new GroupCommit<>(64, this::completeAll, Completion::run);

  /** A posted message and the run it started. */
  public record Posted(Message message, Run run) {}

  /**
   * What {@link #start} found: the attempt this worker now owns, whether it resumes one, and the
   * conversation the run sees: each earlier run's user message and answer, in run order (a
   * follow-up posted while a run was busy comes after that run's answer), then its own message.
   */
  public record Started(Run run, boolean resumed, List<Message> conversation) {
    /** A fresh run's start also began its first step, the first model call. */
    public boolean firstStepBegun() {
      return !resumed;
    }
  }

  /** Post, start and completion, on every run's path, are plain JDBC ({@link Jdbc}); the rest Jdbi. */
  public RunStore(Postgres postgres) {
    this.jdbi = postgres.jdbi();
    this.dataSource = postgres.dataSource();
  }

  /**
   * Stores a user message and a queued run for it; the run takes the thread's next sequence
   * number, which fixes the order the thread's runs execute in. One statement (so one round trip
   * and one commit): this is the hot path of every message. Empty if the org has no such thread.
   */
  public Optional<Posted> post(UUID orgId, UUID threadId, String text, Lane lane, String bundle, int maxSteps) {
    UUID messageId = UUID.randomUUID();
    UUID runId = UUID.randomUUID();
    return Jdbc.withConnection(dataSource, connection -> {
      try (var statement = connection.prepareStatement(POST)) {
        statement.setObject(1, threadId);
        statement.setObject(2, orgId);
        statement.setObject(3, messageId);
        statement.setString(4, text);
        statement.setObject(5, runId);
        statement.setObject(6, runId);
        statement.setObject(7, orgId);
        statement.setObject(8, messageId);
        statement.setString(9, lane.name());
        statement.setString(10, bundle);
        statement.setInt(11, maxSteps);
        try (var rs = statement.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          var message = new Message(messageId, threadId, "user", text, runId, rs.getTimestamp("message_created_at").toInstant());
          return Optional.of(new Posted(message, run(rs)));
        }
      }
    });
  }

  private static final String POST = """
      with t as (
        update threads set next_run_seq = next_run_seq + 1 where id = ? and org_id = ?
        returning id, next_run_seq - 1 as seq),
      m as (
        insert into messages (id, thread_id, role, text, run_id, run_seq)
        select ?, t.id, 'user', ?, ?, t.seq from t
        returning created_at),
      r as (
        insert into runs (id, org_id, thread_id, seq, message_id, lane, state, bundle, max_steps)
        select ?, ?, t.id, t.seq, ?, ?, 'queued', ?, ? from t
        returning %s)
      select m.created_at as message_created_at, r.* from m, r""".formatted(COLUMNS);

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
   * A run only ever moves from queued to running, so a second attempt means a resumed run.
   */
  public Optional<Started> start(UUID runId, String worker, String modelLabel) {
    // A linked run is never started here: its link starts it (startLinked).
    return start(START_HOSTED, runId, null, worker, modelLabel);
  }

  /**
   * Takes a queued run for the user's link: the run-level claim that keeps a second link process
   * (or a hosted worker, after a re-dispatch) from running it too. Only a queued run that still
   * waits for this user's link qualifies; a linked run is never resumed (a lost link ends it).
   */
  public Optional<Started> startLinked(UUID runId, UUID user, String worker, String modelLabel) {
    return start(START_LINKED, runId, user, worker, modelLabel);
  }

  private Optional<Started> start(String sql, UUID runId, UUID user, String worker, String modelLabel) {
    return Jdbc.withConnection(dataSource, connection -> {
      try (var statement = connection.prepareStatement(sql)) {
        int i = 1;
        statement.setString(i++, worker);
        statement.setObject(i++, runId);
        if (user != null) { // only the linked start names a user
          statement.setObject(i++, user);
        }
        statement.setString(i, modelLabel);
        try (var rs = statement.executeQuery()) {
          Run run = null;
          List<Message> conversation = new ArrayList<>();
          while (rs.next()) {
            if (run == null) {
              run = run(rs); // the first row is the run's
            } else {
              conversation.add(new Message(rs.getObject("m_id", UUID.class), run.threadId(), rs.getString("m_role"),
                  rs.getString("m_text"), rs.getObject("m_run_id", UUID.class), rs.getTimestamp("m_created_at").toInstant()));
            }
          }
          return run == null ? Optional.<Started>empty()
              : Optional.of(new Started(run, run.attempt() > 1, List.copyOf(conversation)));
        }
      }
    });
  }

  // One statement: the run is taken, its conversation read (once: c serves both the step's input
  // and the answer) and, for a fresh run, its first step (the first model call, with the input the
  // agent loop records) begun, in one round trip. Parameters: worker, run (and user), model label.
  // The first row is the run, each further row a message: the run's columns are not repeated on
  // every message's row (the nulls cost nothing to send). Repeating them took a third of the read's
  // time on a 100-message conversation (pgbench, the read alone: 0.32 -> 0.20 ms).
  private static final String START = """
      with r as (
        update runs set state = 'running', attempt = attempt + 1, worker = ?, started_at = coalesce(started_at, now())
        where %s
        returning %s),
      c as (
        select m.* from r join messages m on m.thread_id = r.thread_id and m.run_seq <= r.seq),
      s as (
        insert into run_steps (run_id, step, kind, state, attempt, idempotent, input)
        select r.id, 0, 'model', 'started', r.attempt, true, jsonb_build_object('messages', (select count(*) from c), 'model', ?)
        from r where r.attempt = 1
        on conflict (run_id, step) do nothing)
      select r.*, null as m_id, null as m_role, null as m_text, null as m_run_id, null as m_created_at,
             0 as m_part, 0 as m_seq, 0 as m_role_order
      from r
      union all
      select %s, m.id, m.role, m.text, m.run_id, m.created_at, 1, m.run_seq, case m.role when 'user' then 0 else 1 end
      from c m
      order by m_part, m_seq, m_role_order, m_created_at""";
  private static final String NO_RUN = String.join(", ", Collections.nCopies(COLUMNS.split(", ").length, "null"));
  private static final String START_HOSTED =
      START.formatted("id = ? and state in ('queued', 'running') and transport = 'hosted'", COLUMNS, NO_RUN);
  private static final String START_LINKED =
      START.formatted("id = ? and state = 'queued' and transport = 'link' and link_user = ?", COLUMNS, NO_RUN);

  /** A run's completion: its attempt's last step (the model's answer) closed with its output, and the answer. */
  public record Completion(UUID run, int attempt, int lastStep, String lastStepOutput, String answer) {}

  /**
   * Completes the run of this attempt: closes its last step (the model's answer), ends the run and
   * stores the answer as the thread's assistant message, all in one statement, so a run is never
   * completed without its answer or the other way round. False if the attempt no longer owns the
   * run (it was cancelled, interrupted or taken over meanwhile).
   *
   * <p>Runs that end together are completed together ({@link GroupCommit}): one transaction, so one
   * commit, and one round trip for all the runs that ended while the previous group was being
   * written.
   */
  public boolean complete(UUID runId, int attempt, int lastStep, String lastStepOutput, String answer) {
    return completions.submit(new Completion(runId, attempt, lastStep, lastStepOutput, answer));
  }

  /**
   * Completes each run of the group its attempt still owns (see {@link #complete}), in one
   * transaction and one round trip; returns those it completed. Each run is its own statement, a
   * primary-key lookup whatever the table's statistics say (one statement joined to the whole group
   * was planned as a scan of the steps table while the table was young, and took 200 ms).
   */
  Set<UUID> completeAll(List<Completion> group) {
    return Jdbc.inTransaction(dataSource, connection -> {
      try (var batch = connection.prepareStatement(COMPLETE)) {
        for (Completion completion : group) {
          batch.setString(1, completion.lastStepOutput());
          batch.setObject(2, completion.run());
          batch.setInt(3, completion.lastStep());
          batch.setInt(4, completion.attempt());
          batch.setObject(5, completion.run());
          batch.setInt(6, completion.attempt());
          batch.setObject(7, completion.run());
          batch.setInt(8, completion.attempt());
          batch.setObject(9, UUID.randomUUID());
          batch.setString(10, completion.answer());
          batch.addBatch();
        }
        int[] completed = batch.executeBatch(); // per run: 1 if its answer was stored, so it was completed
        Set<UUID> applied = new HashSet<>();
        for (int i = 0; i < completed.length; i++) {
          if (completed[i] == 1) {
            applied.add(group.get(i).run());
          }
        }
        return applied;
      }
    });
  }

  private static final String COMPLETE = """
      with s as (
        update run_steps set state = 'completed', output = cast(? as jsonb), finished_at = now()
        where run_id = ? and step = ? and attempt = ?
          and exists (select 1 from runs where id = ? and attempt = ? and state = 'running')),
      r as (
        update runs set state = 'completed', finished_at = now(), end_published = false
        where id = ? and attempt = ? and state = 'running'
        returning id, thread_id, seq)
      insert into messages (id, thread_id, role, text, run_id, run_seq)
      select ?, r.thread_id, 'assistant', ?, r.id, r.seq from r""";

  /**
   * Ends the run of this attempt without an answer (failed, interrupted). False if the attempt no
   * longer owns the run.
   */
  public boolean finish(UUID runId, int attempt, Run.State state, String error, String reason) {
    return jdbi.withHandle(h -> h.createUpdate("update runs set state = ?, error = ?, reason = ?, finished_at = now(), end_published = false "
            + "where id = ? and attempt = ? and state = 'running'")
        .bind(0, state.name()).bind(1, error).bind(2, reason).bind(3, runId).bind(4, attempt).execute()) == 1;
  }

  /** Ends a running run a lost worker left in a step that must not be repeated. */
  public boolean interrupt(UUID runId, String reason) {
    return jdbi.withHandle(h -> h.createUpdate("update runs set state = 'interrupted', reason = ?, finished_at = now(), end_published = false "
            + "where id = ? and state = 'running'").bind(0, reason).bind(1, runId).execute()) == 1;
  }

  /** Cancels a run that has not ended; empty if it had (or does not exist in the org). */
  public Optional<Run> cancel(UUID orgId, UUID runId) {
    return jdbi.withHandle(h -> h.createQuery("update runs set state = 'cancelled', reason = 'cancelled', finished_at = now(), end_published = false "
            + "where id = ? and org_id = ? and state in ('queued', 'running') returning " + COLUMNS)
        .bind(0, runId).bind(1, orgId).map((rs, ctx) -> run(rs)).findOne());
  }

  /** Records that NATS acknowledged these runs' terminal events. */
  public void endsPublished(Collection<UUID> runIds) {
    // One primary-key update per run, sent as one batch: one round trip, and one implicit
    // transaction up to the batch's Sync. Not `id = any(?)`: the generic plan a pooled connection
    // keeps for that was made while the table was young, a sequential scan, and it stayed one as
    // the table grew (5 ms a batch at 45,000 runs, and rising). Plain JDBC: every run passes here.
    Jdbc.withConnection(dataSource, connection -> {
      try (var update = connection.prepareStatement("update runs set end_published = true where id = ? and not end_published")) {
        for (UUID run : runIds) {
          update.setObject(1, run);
          update.addBatch();
        }
        return update.executeBatch().length;
      }
    });
  }

  /** Ended runs whose terminal event NATS has not acknowledged for {@code olderThan}, oldest first. */
  public List<Run> endsUnpublished(Duration olderThan, int limit) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from runs where not end_published "
            + "and finished_at < now() - make_interval(secs => ?) order by finished_at limit ?")
        .bind(0, olderThan.toMillis() / 1000.0).bind(1, limit).map((rs, ctx) -> run(rs)).list());
  }

  /**
   * Hosted runs not yet ended, in thread order: what the sweeper holds Redis to. Queued runs younger
   * than {@code settle} are left out: their api is still enqueueing them (or handing them to a
   * link). Linked runs are the link watcher's.
   */
  public List<Run> unfinished(int limit, Duration settle) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from runs where transport = 'hosted' and (state = 'running' "
            + "or (state = 'queued' and created_at < now() - make_interval(secs => ?))) order by thread_id, seq limit ?")
        .bind(0, settle.toMillis() / 1000.0).bind(1, limit).map((rs, ctx) -> run(rs)).list());
  }

  /**
   * Those of {@code runIds} still queued or running now: the sweeper's second look, after Redis,
   * at runs its snapshot holds unfinished. Joined from the ids, so each is a primary-key lookup
   * whatever plan the statement keeps (see {@link #endsPublished}).
   */
  public Set<UUID> unfinishedAmong(Collection<UUID> runIds) {
    if (runIds.isEmpty()) {
      return Set.of();
    }
    return Set.copyOf(jdbi.withHandle(h -> h.createQuery("select r.id from unnest(cast(? as uuid[])) as u (id) "
            + "join runs r on r.id = u.id where r.state in ('queued', 'running')")
        .bind(0, runIds.toArray(UUID[]::new)).mapTo(UUID.class).list()));
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
        instant(rs.getTimestamp("finished_at")),
        Run.Transport.valueOf(rs.getString("transport")),
        rs.getString("sandbox"));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
