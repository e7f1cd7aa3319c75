package dev.studio.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.daemon.testing.Reply;
import dev.studio.daemon.testing.SseEvent;
import dev.studio.daemon.testing.SseReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskRoutesTest extends SharedDaemonTest {
  @Test
  void aTasksOutputStreamsReplaysAndEndsWithItsExit() throws Exception {
    Reply started = daemon.post("/_sandbox/tasks", Map.of("command", "echo first; sleep 0.3; echo second; exit 4", "name", "counter"));
    assertThat(started.status()).isEqualTo(201);
    String id = started.json().path("id").asText();
    assertThat(started.json().path("name").asText()).isEqualTo("counter");

    try (SseReader stream = daemon.stream("/_sandbox/tasks/" + id + "/stream", null)) {
      stream.await("output", line("first"), Duration.ofSeconds(5));
      stream.await("output", line("second"), Duration.ofSeconds(5));
      SseEvent exit = stream.await("exit", data -> true, Duration.ofSeconds(5));
      assertThat(exit.data().path("exitCode").asInt()).isEqualTo(4);
      assertThat(exit.data().path("state").asText()).isEqualTo("exited");
      stream.awaitEnd(Duration.ofSeconds(5));
      assertThat(stream.all()).allSatisfy(event -> assertThat(event.id()).isNotNull());
    }

    // Joining after the end replays the retained output, then ends at once.
    try (SseReader late = daemon.stream("/_sandbox/tasks/" + id + "/stream", null)) {
      late.await("output", line("first"), Duration.ofSeconds(5));
      late.awaitEnd(Duration.ofSeconds(5));
    }

    JsonNode listed = task(id);
    assertThat(listed.path("state").asText()).isEqualTo("exited");
    assertThat(listed.path("exitCode").asInt()).isEqualTo(4);
    assertThat(listed.path("command").asText()).contains("echo first");
    assertThat(listed.path("startedAt").asText()).isNotBlank();
  }

  @Test
  void killEndsTheWholeProcessTree() throws Exception {
    Reply started = daemon.post("/_sandbox/tasks", Map.of("command",
        "trap '' TERM; sleep 300 & echo $! > task-child.pid; echo running; wait"));
    String id = started.json().path("id").asText();
    try (SseReader stream = daemon.stream("/_sandbox/tasks/" + id + "/stream", null)) {
      stream.await("output", line("running"), Duration.ofSeconds(5));
      assertThat(task(id).path("state").asText()).isEqualTo("running");

      Reply killed = daemon.post("/_sandbox/tasks/" + id + "/kill", Map.of());
      assertThat(killed.status()).isEqualTo(200);
      assertThat(killed.json().path("state").asText()).isEqualTo("killed");
      stream.await("exit", data -> data.path("state").asText().equals("killed"), Duration.ofSeconds(10));
    }
    long child = Long.parseLong(Files.readString(daemon.workspace().resolve("task-child.pid")).strip());
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    assertThat(task(id).path("state").asText()).isEqualTo("killed");
  }

  @Test
  void taskLifecycleAndOutputReachTheEventStream() throws Exception {
    try (SseReader events = daemon.stream("/_sandbox/events", null)) {
      String id = daemon.post("/_sandbox/tasks", Map.of("command", "echo to-the-bus")).json().path("id").asText();
      events.await("task.started", data -> data.path("id").asText().equals(id), Duration.ofSeconds(5));
      events.await("task.output", data -> data.path("id").asText().equals(id)
          && data.path("line").asText().equals("to-the-bus"), Duration.ofSeconds(5));
      events.await("task.exited", data -> data.path("id").asText().equals(id)
          && data.path("exitCode").asInt() == 0, Duration.ofSeconds(5));
    }
  }

  @Test
  void unknownTasksAre404() {
    assertThat(daemon.post("/_sandbox/tasks/nope/kill", Map.of()).status()).isEqualTo(404);
    assertThat(daemon.get("/_sandbox/tasks/nope/stream").status()).isEqualTo(404);
    Reply noCommand = daemon.post("/_sandbox/tasks", Map.of("name", "x"));
    assertThat(noCommand.status()).isEqualTo(400);
    assertThat(noCommand.errorField()).isEqualTo("command");
  }

  private static java.util.function.Predicate<JsonNode> line(String text) {
    return data -> data.path("line").asText().equals(text);
  }

  private static JsonNode task(String id) {
    for (JsonNode task : daemon.get("/_sandbox/tasks").json().path("tasks")) {
      if (task.path("id").asText().equals(id)) {
        return task;
      }
    }
    throw new AssertionError("task " + id + " is not listed");
  }
}
