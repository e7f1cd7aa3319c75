package dev.studio.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.daemon.testing.Reply;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every control route needs the current bearer token; only the health check does not. */
class ControlAuthTest extends SharedDaemonTest {
  /** Every route of the contract, with a body that would be valid. */
  static Stream<String[]> routes() {
    return Stream.of(
        new String[] {"GET", "/_sandbox/idle", null},
        new String[] {"POST", "/_sandbox/config", "{\"port\":3000}"},
        new String[] {"POST", "/_sandbox/orgfs-config", "{\"volumes\":[]}"},
        new String[] {"POST", "/_sandbox/setup/clone", "{}"},
        new String[] {"POST", "/_sandbox/setup/install", "{}"},
        new String[] {"POST", "/_sandbox/setup/build", "{}"},
        new String[] {"POST", "/_sandbox/setup/start", "{}"},
        new String[] {"POST", "/_sandbox/read", "{\"path\":\"a.txt\"}"},
        new String[] {"POST", "/_sandbox/write", "{\"path\":\"a.txt\",\"content\":\"x\"}"},
        new String[] {"POST", "/_sandbox/edit", "{\"path\":\"a.txt\",\"old\":\"x\",\"new\":\"y\"}"},
        new String[] {"POST", "/_sandbox/unlink", "{\"path\":\"a.txt\"}"},
        new String[] {"POST", "/_sandbox/mkdir", "{\"path\":\"d\"}"},
        new String[] {"POST", "/_sandbox/rename", "{\"from\":\"a\",\"to\":\"b\"}"},
        new String[] {"POST", "/_sandbox/grep", "{\"pattern\":\"x\"}"},
        new String[] {"POST", "/_sandbox/glob", "{\"pattern\":\"*\"}"},
        new String[] {"POST", "/_sandbox/bash", "{\"command\":\"touch pwned\"}"},
        new String[] {"GET", "/_sandbox/git/status", null},
        new String[] {"GET", "/_sandbox/git/diff", null},
        new String[] {"POST", "/_sandbox/git/publish", "{}"},
        new String[] {"POST", "/_sandbox/git/discard", "{}"},
        new String[] {"GET", "/_sandbox/tasks", null},
        new String[] {"POST", "/_sandbox/tasks", "{\"command\":\"touch pwned\"}"},
        new String[] {"GET", "/_sandbox/tasks/task-1/stream", null},
        new String[] {"POST", "/_sandbox/tasks/task-1/kill", "{}"},
        new String[] {"GET", "/_sandbox/events", null},
        new String[] {"GET", "/_sandbox/no-such-route", null});
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("routes")
  void answers401WithoutAToken(String method, String path, String body) {
    assertUnauthorized(daemon.send(method, path, body, null));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("routes")
  void answers401WithAWrongToken(String method, String path, String body) {
    assertUnauthorized(daemon.send(method, path, body, daemon.token() + "x"));
    assertUnauthorized(daemon.send(method, path, body, "short"));
    assertThat(daemon.workspace().resolve("pwned")).doesNotExist();
  }

  @Test
  void theHealthCheckIsOpen() {
    Reply health = daemon.send("GET", "/health", null, null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("ok");
  }

  @Test
  void aRotatedTokenReplacesTheOldOneAtOnce() {
    String old = daemon.token();
    String rotated = "rotated-" + System.nanoTime();
    Reply configured = daemon.post("/_sandbox/config", Map.of("token", rotated));
    assertThat(configured.status()).isEqualTo(200);
    assertThat(configured.body()).doesNotContain(rotated).doesNotContain(old);

    assertUnauthorized(daemon.send("GET", "/_sandbox/idle", null, old));
    assertThat(daemon.send("GET", "/_sandbox/idle", null, rotated).status()).isEqualTo(200);
    daemon.useToken(rotated);
  }

  @Test
  void aMalformedNewTokenChangesNothing() {
    Reply refused = daemon.post("/_sandbox/config", Map.of("token", "has spaces in it", "port", 4000));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("token");
    assertThat(daemon.get("/_sandbox/idle").status()).isEqualTo(200);
  }

  private static void assertUnauthorized(Reply reply) {
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("unauthorized");
    assertThat(reply.headers().firstValue("WWW-Authenticate")).contains("Bearer");
  }
}
