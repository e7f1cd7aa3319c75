package dev.studio.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.studio.daemon.process.BashRunner;
import dev.studio.daemon.testing.Reply;
import dev.studio.daemon.testing.RunningDaemon;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BashRoutesTest extends SharedDaemonTest {
  @Test
  void runsInTheWorkspaceAndReportsOutputsAndExitCode() {
    Reply reply = daemon.post("/_sandbox/bash", Map.of("command", "pwd; echo oops >&2; exit 3"));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().path("exitCode").asInt()).isEqualTo(3);
    assertThat(reply.json().path("stdout").asText().strip()).isEqualTo(daemon.workspace().toString());
    assertThat(reply.json().path("stderr").asText()).isEqualTo("oops\n");
    assertThat(reply.json().path("timedOut").asBoolean()).isFalse();
    assertThat(reply.json().path("truncated").asBoolean()).isFalse();
  }

  @Test
  void theDaemonsTokenIsNotInTheEnvironment() {
    Reply reply = daemon.post("/_sandbox/bash", Map.of("command", "env"));
    assertThat(reply.json().path("stdout").asText()).doesNotContain(daemon.token()).doesNotContain("DAEMON_TOKEN");
  }

  @Test
  void theClaimEnvironmentIsPassedOn() {
    Map<String, String> env = new java.util.HashMap<>(RunningDaemon.hermeticEnv(dir));
    env.put("GREETING", "hello from the claim");
    daemon.post("/_sandbox/config", Map.of("env", env));
    Reply reply = daemon.post("/_sandbox/bash", Map.of("command", "echo \"$GREETING\""));
    assertThat(reply.json().path("stdout").asText()).isEqualTo("hello from the claim\n");
  }

  @Test
  void aTimeoutKillsTheWholeProcessTree() throws Exception {
    long started = System.nanoTime();
    Reply reply = daemon.post("/_sandbox/bash", Map.of(
        "command", "(sleep 300 & echo $! > orphan.pid; wait) & sleep 300 & echo $! > child.pid; echo started; wait",
        "timeoutMs", 1000));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().path("timedOut").asBoolean()).isTrue();
    assertThat(reply.json().path("stdout").asText()).contains("started");
    assertThat(tookMs).isLessThan(10_000);
    for (String pidFile : new String[] {"orphan.pid", "child.pid"}) {
      long pid = Long.parseLong(Files.readString(daemon.workspace().resolve(pidFile)).strip());
      await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void eachOutputIsCappedAtOneMebibyte() {
    Reply reply = daemon.post("/_sandbox/bash", Map.of("command", "head -c 3000000 /dev/zero | tr '\\0' 'a'; echo done >&2"));
    assertThat(reply.json().path("exitCode").asInt()).isZero();
    assertThat(reply.json().path("truncated").asBoolean()).isTrue();
    assertThat(reply.json().path("stdout").asText()).hasSize(BashRunner.OUTPUT_CAP);
    assertThat(reply.json().path("stderr").asText()).isEqualTo("done\n");
  }

  @Test
  void invalidRequestsNameTheField() {
    Reply noCommand = daemon.post("/_sandbox/bash", Map.of());
    assertThat(noCommand.status()).isEqualTo(400);
    assertThat(noCommand.errorField()).isEqualTo("command");
    Reply badTimeout = daemon.post("/_sandbox/bash", Map.of("command", "true", "timeoutMs", -5));
    assertThat(badTimeout.status()).isEqualTo(400);
    assertThat(badTimeout.errorField()).isEqualTo("timeoutMs");
  }
}
