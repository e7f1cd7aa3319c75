package dev.studio.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runtime as a separate process, as a pod runs it: start-up failures and SIGTERM. */
class RuntimeProcessTest {
  static TestDatabase database;

  @BeforeAll
  static void createDatabase() {
    database = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() {
    database.close();
  }

  @Test
  void aMissingSettingStopsStartUpWithOneLineNamingIt() throws Exception {
    var env = TestEnv.of(database, Role.api);
    env.remove("DATABASE_URL");
    var process = start(env);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr.lines().toList()).containsExactly("studio: DATABASE_URL is required: postgres://user:password@host:5432/db");
  }

  @Test
  void aMalformedSecretUrlIsNamedButNotPrinted() throws Exception {
    var env = TestEnv.of(database, Role.worker);
    env.put("REDIS_URL", "htps://admin:hunter2@redis:6379");
    var process = start(env);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(stderr.lines().toList()).containsExactly("studio: REDIS_URL must start with redis:// or rediss://");
  }

  @Test
  void aPortInUseStopsStartUpWithOneLineNamingIt() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("0.0.0.0"))) {
      var env = TestEnv.of(database, Role.api);
      env.put("STUDIO_HTTP_PORT", String.valueOf(taken.getLocalPort()));
      var process = start(env);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(stderr.lines().filter(line -> line.startsWith("studio: ")).toList())
          .containsExactly("studio: port " + taken.getLocalPort() + " is in use (STUDIO_HTTP_PORT): another process listens there");
      assertThat(stderr).doesNotContain("\tat ");
    }
  }

  @Test
  void sigtermTurnsItUnreadyAndStopsItWithinTheGrace() throws Exception {
    var env = TestEnv.of(database, Role.all);
    env.put("SHUTDOWN_GRACE_SECONDS", "4");
    var process = start(env);
    var log = new ArrayList<String>();
    int port = portFromLog(process, log);
    var http = HttpClient.newHttpClient();
    var ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build();
    assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    long start = System.nanoTime();
    process.destroy(); // SIGTERM
    // While it drains it still answers, and says it is not ready.
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      var response = http.send(ready, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("\"status\":\"draining\"");
    });
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4 + 2));
  }

  /** Starts RuntimeMain in a JVM of its own, on this test's classpath. */
  static Process start(Map<String, String> env) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx256m", RuntimeMain.class.getName());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().putAll(env);
    return builder.start();
  }

  static int portFromLog(Process process, List<String> log) throws Exception {
    Pattern serving = Pattern.compile("serving on :(\\d+)");
    var reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
      log.add(line);
      Matcher m = serving.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> reader.lines().forEach(log::add));
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the runtime did not start: " + String.join("\n", log));
  }
}
