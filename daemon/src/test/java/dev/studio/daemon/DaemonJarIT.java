package dev.studio.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.daemon.testing.DaemonProcess;
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

/** The packaged jar, run as {@code java -jar}, exactly as the image and the local provider run it. */
class DaemonJarIT {
  static Path jar;

  @TempDir
  Path dir;

  @BeforeAll
  static void findJar() {
    jar = Path.of(System.getProperty("daemon.jar", "target/studio-daemon-0.1.0-SNAPSHOT.jar"));
    assertThat(jar).as("the daemon jar (run `mvn -pl daemon package` first)").exists();
  }

  @Test
  void refusesToStartWithoutATokenWithOneLineNamingIt() throws Exception {
    try (DaemonProcess daemon = DaemonProcess.start(DaemonProcess.jar(jar), Map.of())) {
      assertThat(daemon.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(daemon.stderr()).singleElement().asString().startsWith("DAEMON_TOKEN ");
    }
  }

  @Test
  void startsWithATokenAndAnswersItsHealthCheck() throws Exception {
    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    try (DaemonProcess daemon = DaemonProcess.start(DaemonProcess.jar(jar), Map.of(
        "DAEMON_TOKEN", "jar-test-token",
        "DAEMON_WORKSPACE", workspace.toString(),
        "DAEMON_BIND_ADDRESS", "127.0.0.1",
        "DAEMON_CONTROL_PORT", "0",
        "DAEMON_PREVIEW_PORT", "0"))) {
      int[] ports = daemon.awaitListening(Duration.ofSeconds(30));
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[0] + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      HttpResponse<String> idle = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[0] + "/_sandbox/idle"))
          .header("Authorization", "Bearer jar-test-token").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(idle.statusCode()).isEqualTo(200);
      HttpResponse<String> preview = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[1] + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(preview.statusCode()).isEqualTo(502);
      daemon.terminate();
      daemon.awaitExit(Duration.ofSeconds(30));
    }
  }
}
