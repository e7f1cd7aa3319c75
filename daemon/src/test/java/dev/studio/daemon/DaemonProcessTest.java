package dev.studio.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.daemon.testing.DaemonProcess;
import dev.studio.daemon.testing.FixtureRepo;
import dev.studio.daemon.testing.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as a process: how it refuses bad settings, and what it does on SIGTERM. */
class DaemonProcessTest {
  @TempDir
  Path dir;

  @BeforeAll
  static void tools() {
    Tools.requireNodeGitBash();
  }

  @Test
  void withoutATokenItPrintsOneLineNamingItAndExits2() throws Exception {
    try (DaemonProcess daemon = DaemonProcess.start(DaemonProcess.mainClassOnTestClasspath(),
        Map.of("DAEMON_WORKSPACE", dir.toString()))) {
      assertThat(daemon.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(daemon.stderr()).singleElement().asString().startsWith("DAEMON_TOKEN ");
      assertThat(daemon.stdout()).isEmpty();
    }
  }

  @Test
  void aMalformedPortIsNamedTooAndTheTokenIsNotEchoed() throws Exception {
    try (DaemonProcess daemon = DaemonProcess.start(DaemonProcess.mainClassOnTestClasspath(),
        Map.of("DAEMON_TOKEN", "the-secret-token", "DAEMON_CONTROL_PORT", "nine-thousand"))) {
      assertThat(daemon.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(daemon.stderr()).singleElement().asString()
          .startsWith("DAEMON_CONTROL_PORT ")
          .doesNotContain("the-secret-token");
    }
  }

  @Test
  void onSigtermUncommittedWorkIsPublishedBeforeExit() throws Exception {
    FixtureRepo origin = FixtureRepo.create(dir.resolve("repos"));
    String before = origin.lastCommit("main");
    String token = "process-test-token";
    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    try (DaemonProcess daemon = DaemonProcess.start(DaemonProcess.mainClassOnTestClasspath(), Map.of(
        "DAEMON_TOKEN", token,
        "DAEMON_WORKSPACE", workspace.toString(),
        "DAEMON_BIND_ADDRESS", "127.0.0.1",
        "DAEMON_CONTROL_PORT", "0",
        "DAEMON_PREVIEW_PORT", "0",
        "DAEMON_ORGFS_CONFIG", dir.resolve("orgfs.json").toString()))) {
      int control = daemon.awaitListening(Duration.ofSeconds(30))[0];
      HttpClient http = HttpClient.newHttpClient();
      post(http, control, token, "/_sandbox/config", "{\"repo\":\"" + origin.url() + "\",\"publishOnShutdown\":true}");
      post(http, control, token, "/_sandbox/setup/clone", "{}");
      post(http, control, token, "/_sandbox/write", "{\"path\":\"unsaved.txt\",\"content\":\"saved by SIGTERM\"}");
      post(http, control, token, "/_sandbox/tasks", "{\"command\":\"sleep 300\"}");

      daemon.terminate();
      daemon.awaitExit(Duration.ofSeconds(60));
      assertThat(String.join("\n", daemon.stderr())).doesNotContain(token);
    }
    assertThat(origin.lastCommit("main")).isNotEqualTo(before);
    assertThat(origin.fileAt("main", "unsaved.txt")).isEqualTo("saved by SIGTERM");
  }

  private static void post(HttpClient http, int port, String token, String path, String json) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isBetween(200, 201);
  }
}
