package dev.studio.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.testing.MigratedDatabase;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker's start of a run, on the real PostgreSQL: the run is taken, and the conversation its
 * model is given is the thread's, in order, up to the run's own message and no further.
 */
class RunStartTest {
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
}
