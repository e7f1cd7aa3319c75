package dev.studio.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.testing.MigratedDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run's start and end in the store, on the real PostgreSQL. A started run comes with its
 * thread's conversation, in order, up to its own message. Runs that end at the same moment are
 * completed together (one statement): each gets its own answer and closed step, an attempt that no
 * longer owns its run is refused without touching it, and one completion the database rejects
 * fails only its own caller. Ends acknowledged together are all recorded as published.
 */
class RunStoreTest {
  MigratedDatabase database;
  RunStore runs;
  ThreadStore threads;
  UUID org;

  @BeforeEach
  void create() {
    database = new MigratedDatabase();
    runs = new RunStore(database.postgres());
    threads = new ThreadStore(database.jdbi());
    org = database.org();
  }

  @AfterEach
  void drop() {
    database.close();
  }

  /** A run taken by a worker, its first step begun: ready to complete. */
  private RunStore.Started started(String question) {
    var thread = threads.create(org, "t");
    var posted = runs.post(org, thread.id(), question, Lane.paid, null, 5).orElseThrow();
    return runs.start(posted.run().id(), "worker-1", "dev").orElseThrow();
  }

  @Test
  void aStartedRunComesWithItsThreadsConversationInOrderUpToItsOwnMessage() {
    var thread = threads.create(org, "t");
    var first = runs.post(org, thread.id(), "first question", Lane.paid, null, 5).orElseThrow().run();
    var second = runs.post(org, thread.id(), "second question", Lane.paid, null, 5).orElseThrow().run();
    // A message posted after the second: its run comes later, so the second run must not see it.
    runs.post(org, thread.id(), "third question", Lane.paid, null, 5).orElseThrow();

    var startedFirst = runs.start(first.id(), "worker-1", "dev").orElseThrow();
    assertThat(startedFirst.run().state()).isEqualTo(Run.State.running);
    assertThat(startedFirst.conversation()).extracting(Message::role, Message::text)
        .containsExactly(tuple("user", "first question"));
    assertThat(runs.complete(first.id(), startedFirst.run().attempt(), 0, "{\"text\": \"first answer\"}", "first answer")).isTrue();

    var startedSecond = runs.start(second.id(), "worker-1", "dev").orElseThrow();
    assertThat(startedSecond.run().id()).isEqualTo(second.id());
    assertThat(startedSecond.run().attempt()).isEqualTo(1);
    assertThat(startedSecond.resumed()).isFalse();
    assertThat(startedSecond.conversation())
        .extracting(Message::role, Message::text, Message::runId, Message::threadId)
        .containsExactly(
            tuple("user", "first question", first.id(), thread.id()),
            tuple("assistant", "first answer", first.id(), thread.id()),
            tuple("user", "second question", second.id(), thread.id()));
  }

  @Test
  void aRunThatIsNotRunnableIsNotStarted() {
    var thread = threads.create(org, "t");
    var run = runs.post(org, thread.id(), "question", Lane.paid, null, 5).orElseThrow().run();
    var started = runs.start(run.id(), "worker-1", "dev").orElseThrow();
    assertThat(runs.complete(run.id(), started.run().attempt(), 0, "{\"text\": \"a\"}", "a")).isTrue();

    assertThat(runs.start(run.id(), "worker-2", "dev")).isEmpty();
    assertThat(runs.start(UUID.randomUUID(), "worker-2", "dev")).isEmpty();
  }

  @Test
  void manyRunsEndingAtOnceAreEachCompletedWithTheirOwnAnswer() throws Exception {
    int count = 200;
    List<RunStore.Started> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(started("question " + i));
    }
    // Every fifth completion comes from a stale attempt (the run was taken over): it must be refused.
    Map<UUID, Boolean> answers = new ConcurrentHashMap<>();
    var go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        var run = started.get(i).run();
        int attempt = i % 5 == 0 ? run.attempt() + 1 : run.attempt();
        String answer = "answer " + i;
        done.add(executor.submit(() -> {
          go.await();
          answers.put(run.id(), runs.complete(run.id(), attempt, 0, "{\"text\": \"" + answer + "\"}", answer));
          return null;
        }));
      }
      go.countDown();
      for (var future : done) {
        future.get();
      }
    }

    var journal = new StepJournal(database.jdbi());
    for (int i = 0; i < count; i++) {
      var run = started.get(i).run();
      var stored = runs.get(run.id()).orElseThrow();
      var messages = threads.messages(run.threadId());
      if (i % 5 == 0) {
        assertThat(answers.get(run.id())).as("stale attempt of run %d", i).isFalse();
        assertThat(stored.state()).isEqualTo(Run.State.running);
        assertThat(messages).extracting(Message::role).containsExactly("user");
        assertThat(journal.steps(run.id()).get(0).state()).isEqualTo(Step.State.started);
      } else {
        assertThat(answers.get(run.id())).as("run %d", i).isTrue();
        assertThat(stored.state()).isEqualTo(Run.State.completed);
        assertThat(messages).extracting(Message::role, Message::text)
            .containsExactly(tuple("user", "question " + i),
                tuple("assistant", "answer " + i));
        var step = journal.steps(run.id()).get(0);
        assertThat(step.state()).isEqualTo(Step.State.completed);
        assertThat(step.output().path("text").asText()).isEqualTo("answer " + i);
      }
    }
  }

  @Test
  void aCompletionTheDatabaseRejectsFailsAloneAndTheOthersOfItsGroupComplete() throws Exception {
    List<RunStore.Started> started = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      started.add(started("question " + i));
    }
    var bad = started.get(7).run();
    var go = new CountDownLatch(1);
    Map<UUID, Future<Boolean>> results = new ConcurrentHashMap<>();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (var s : started) {
        var run = s.run();
        // Not JSON: the step's output column refuses it, which fails the whole group's statement.
        String output = run.id().equals(bad.id()) ? "{not json" : "{\"text\": \"fine\"}";
        results.put(run.id(), executor.submit(() -> {
          go.await();
          return runs.complete(run.id(), run.attempt(), 0, output, "fine");
        }));
      }
      go.countDown();
      for (var s : started) {
        var result = results.get(s.run().id());
        if (s.run().id().equals(bad.id())) {
          assertThatThrownBy(result::get).hasMessageContaining("json");
        } else {
          assertThat(result.get()).isTrue();
        }
      }
    }
    assertThat(runs.get(bad.id()).orElseThrow().state()).isEqualTo(Run.State.running);
    assertThat(threads.messages(bad.threadId())).extracting(Message::role).containsExactly("user");
    for (var s : started) {
      if (!s.run().id().equals(bad.id())) {
        assertThat(runs.get(s.run().id()).orElseThrow().state()).isEqualTo(Run.State.completed);
      }
    }
  }

  /**
   * Deleting a thread (by hand, or with its org) deletes its messages, its runs and their steps, and
   * nothing of another thread's: the foreign keys' cascades, which the run's statements pay a check
   * for on every insert (dropping them measured 4 % more runs a second, pgbench, five pairs: kept).
   */
  @Test
  void aDeletedThreadTakesItsMessagesRunsAndStepsAlong() {
    var gone = started("goes with its thread").run();
    assertThat(runs.complete(gone.id(), gone.attempt(), 0, "{\"text\": \"a\"}", "a")).isTrue();
    var stays = started("stays").run();
    var journal = new StepJournal(database.jdbi());
    assertThat(journal.begin(stays.id(), stays.attempt(), 1, Step.Kind.tool, "echo", "call-1", true, null)).isTrue();

    database.jdbi().useHandle(h -> h.execute("delete from threads where id = ?", gone.threadId()));

    assertThat(runs.get(gone.id())).isEmpty();
    assertThat(threads.messages(gone.threadId())).isEmpty();
    assertThat(journal.steps(gone.id())).isEmpty();
    assertThat(runs.get(stays.id())).isPresent();
    assertThat(threads.messages(stays.threadId())).extracting(Message::text).containsExactly("stays");
    assertThat(journal.steps(stays.id())).extracting(Step::step).containsExactly(0, 1);

    database.jdbi().useHandle(h -> h.execute("delete from orgs where id = ?", org));

    assertThat(runs.get(stays.id())).isEmpty();
    assertThat(threads.messages(stays.threadId())).isEmpty();
    assertThat(journal.steps(stays.id())).isEmpty();
  }

  @Test
  void endsAcknowledgedTogetherAreAllRecordedAndNoOthers() throws Exception {
    List<UUID> ended = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      var run = started("question " + i).run();
      assertThat(runs.complete(run.id(), run.attempt(), 0, "{\"text\": \"a\"}", "a")).isTrue();
      ended.add(run.id());
    }
    // The ends whose events NATS acknowledged, in one batch (with a run id the table does not have);
    // the last three are not acknowledged yet.
    List<UUID> acknowledged = new ArrayList<>(ended.subList(0, 27));
    acknowledged.add(UUID.randomUUID());
    runs.endsPublished(acknowledged);

    Thread.sleep(1100); // endsUnpublished looks at ends older than a second: repair leaves fresh ones alone
    assertThat(runs.endsUnpublished(java.time.Duration.ofSeconds(1), 100)).extracting(Run::id)
        .containsExactlyInAnyOrderElementsOf(ended.subList(27, 30));
  }
}
