package dev.studio.daemon.preview;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.testing.FixtureRepo;
import dev.studio.daemon.testing.Reply;
import dev.studio.daemon.testing.RunningDaemon;
import dev.studio.daemon.testing.SseReader;
import dev.studio.daemon.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path a user takes: the sandbox is configured, clones the fixture app from a bare repository, installs,
 * builds and starts its Node dev server, and the preview port serves it with the bootstrap script injected,
 * WebSockets included.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SetupAndPreviewTest {
  private static final String TAG = "<script src=\"/__studio/bootstrap.js\"></script>";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static RunningDaemon daemon;
  static FixtureRepo origin;
  static SseReader events;
  static int devPort;
  static final HttpClient browser = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws IOException {
    Tools.requireNodeGitBash();
    origin = FixtureRepo.create(dir.resolve("repos"));
    daemon = RunningDaemon.start(dir);
    events = daemon.stream("/_sandbox/events", null);
    try (ServerSocket free = new ServerSocket(0)) {
      devPort = free.getLocalPort();
    }
  }

  @AfterAll
  static void stop() throws IOException {
    events.close();
    daemon.close();
  }

  @Test
  @Order(1)
  void beforeTheDevServerRunsThePreviewAnswers502WithAFriendlyPage() throws Exception {
    HttpResponse<String> page = fetch("/", Map.of());
    assertThat(page.statusCode()).isEqualTo(502);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body()).contains("not running yet");
  }

  @Test
  @Order(2)
  void setupPhasesRunAndReportOnTheEventStream() throws Exception {
    Reply configured = daemon.post("/_sandbox/config", Map.of(
        "repo", origin.url(),
        "ref", "main",
        "install", "echo installing dependencies && touch .installed",
        "build", "echo building && mkdir -p dist && echo built > dist/out.txt",
        "start", "node server.js",
        "port", devPort));
    assertThat(configured.status()).isEqualTo(200);
    assertThat(configured.json().path("port").asInt()).isEqualTo(devPort);
    assertThat(configured.json().has("token")).isFalse();

    assertPhase("clone", "succeeded");
    events.await("setup.started", phase("clone"), Duration.ofSeconds(5));
    events.await("setup.succeeded", phase("clone"), Duration.ofSeconds(5));
    assertThat(daemon.workspace().resolve("server.js")).exists();

    assertPhase("install", "succeeded");
    events.await("setup.started", phase("install"), Duration.ofSeconds(5));
    events.await("setup.output", data -> data.path("phase").asText().equals("install")
        && data.path("line").asText().equals("installing dependencies"), Duration.ofSeconds(5));
    events.await("setup.succeeded", data -> data.path("phase").asText().equals("install")
        && data.path("exitCode").asInt() == 0, Duration.ofSeconds(5));
    assertThat(daemon.workspace().resolve(".installed")).exists();

    assertPhase("build", "succeeded");
    events.await("setup.succeeded", phase("build"), Duration.ofSeconds(5));
    assertThat(daemon.workspace().resolve("dist/out.txt")).hasContent("built");

    Reply started = daemon.post("/_sandbox/setup/start", Map.of());
    assertThat(started.json().path("state").asText()).isEqualTo("started");
    events.await("setup.succeeded", phase("start"), Duration.ofSeconds(5));
    events.await("devserver.ready", data -> data.path("port").asInt() == devPort, Duration.ofSeconds(20));
  }

  @Test
  @Order(3)
  void aFailingPhaseIsReportedWithItsExitCode() throws Exception {
    daemon.post("/_sandbox/config", Map.of("build", "echo about to fail; exit 7"));
    Reply failed = daemon.post("/_sandbox/setup/build", Map.of());
    assertThat(failed.status()).isEqualTo(200);
    assertThat(failed.json().path("state").asText()).isEqualTo("failed");
    assertThat(failed.json().path("exitCode").asInt()).isEqualTo(7);
    events.await("setup.failed", data -> data.path("phase").asText().equals("build")
        && data.path("exitCode").asInt() == 7, Duration.ofSeconds(5));
    assertThat(daemon.post("/_sandbox/setup/deploy", Map.of()).status()).isEqualTo(404);
  }

  @Test
  @Order(10)
  void htmlGetsTheScriptExactlyOnceBeforeTheLastClosingBodyTag() throws Exception {
    HttpResponse<String> page = fetch("/", Map.of());
    assertThat(page.statusCode()).isEqualTo(200);
    assertInjectedOnce(page.body());
    assertThat(page.body()).contains("var decoy = \"</body>\";");
    assertLengthIsRightOrAbsent(page.headers(), page.body().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  @Order(11)
  void chunkedHtmlIsInjectedEvenWhenTheTagIsSplitAcrossChunks() throws Exception {
    HttpResponse<String> page = fetch("/chunked", Map.of());
    assertInjectedOnce(page.body());
  }

  @Test
  @Order(12)
  void gzippedChunkedHtmlIsInjectedAndStaysGzipped() throws Exception {
    HttpResponse<byte[]> page = fetchBytes("/chunked-gzip", Map.of("Accept-Encoding", "gzip, deflate, br"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Encoding")).contains("gzip");
    assertLengthIsRightOrAbsent(page.headers(), page.body().length);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(page.body()))) {
      assertInjectedOnce(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  @Order(13)
  void compressedHtmlForABrowserThatDidNotAskForItComesPlain() throws Exception {
    HttpResponse<String> page = fetch("/chunked-gzip", Map.of());
    assertThat(page.headers().firstValue("Content-Encoding")).isEmpty();
    assertInjectedOnce(page.body());
  }

  @Test
  @Order(14)
  void deflatedHtmlIsInjected() throws Exception {
    HttpResponse<byte[]> page = fetchBytes("/deflate", Map.of("Accept-Encoding", "deflate"));
    assertThat(page.headers().firstValue("Content-Encoding")).contains("deflate");
    assertLengthIsRightOrAbsent(page.headers(), page.body().length);
    try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(page.body()))) {
      assertInjectedOnce(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  @Order(14)
  void aLargePageWithItsLengthIsInjectedOnceAndKeepsARightLength() throws Exception {
    HttpResponse<String> page = fetch("/big", Map.of());
    assertThat(page.statusCode()).isEqualTo(200);
    assertInjectedOnce(page.body());
    assertThat(page.body()).contains("filler paragraph of a large page").endsWith("</body></html>\n");
    assertLengthIsRightOrAbsent(page.headers(), page.body().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  @Order(15)
  void responsesThatAreNotFullHtmlPagesPassUntouched() throws Exception {
    assertThat(fetch("/text", Map.of()).body()).isEqualTo("plain text mentioning </body> stays as it is\n");
    assertThat(fetch("/fragment", Map.of()).body()).isEqualTo("<li>an htmx fragment, no body tag</li>");
    HttpResponse<String> missing = fetch("/missing", Map.of());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("not found\n");
  }

  @Test
  @Order(15)
  void pipelinedRequestsOnOneConnectionAreAllAnsweredInOrder() throws Exception {
    // The first answers come from the dev server, so the connection resumes after each with the next request
    // already read: all three must be answered, in order.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", daemon.preview("/").getPort())) {
      socket.setSoTimeout(10_000);
      String text = "GET /text HTTP/1.1\r\nHost: preview\r\n\r\n";
      // The last one closes the connection, so the answers end where the stream ends.
      String fragment = "GET /fragment HTTP/1.1\r\nHost: preview\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write((text + text + fragment).getBytes(StandardCharsets.US_ASCII));
      String received = readToEnd(socket.getInputStream());
      assertThat(received.split("HTTP/1.1 200", -1)).hasSize(4);
      assertThat(received.split("stays as it is", -1)).hasSize(3);
      assertThat(received.lastIndexOf("stays as it is")).isLessThan(received.indexOf("an htmx fragment"));
    }
  }

  @Test
  @Order(16)
  void requestsAreForwardedWithBodyAndForwardingHeaders() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(daemon.preview("/echo?x=1"))
        .header("Accept-Encoding", "gzip, deflate, br, zstd")
        .header("X-Custom", "kept")
        .PUT(HttpRequest.BodyPublishers.ofString("payload through the proxy"))
        .build();
    HttpResponse<String> echoed = browser.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(echoed.statusCode()).isEqualTo(200);
    assertThat(echoed.headers().firstValue("X-Fixture")).contains("echo");
    JsonNode seen = JSON.readTree(echoed.body());
    assertThat(seen.path("method").asText()).isEqualTo("PUT");
    assertThat(seen.path("path").asText()).isEqualTo("/echo?x=1");
    assertThat(seen.path("body").asText()).isEqualTo("payload through the proxy");
    JsonNode headers = seen.path("headers");
    assertThat(headers.path("host").asText()).isEqualTo("localhost:" + devPort);
    assertThat(headers.path("x-forwarded-host").asText()).isEqualTo("127.0.0.1:" + daemon.daemon().previewPort());
    assertThat(headers.path("x-forwarded-for").asText()).isEqualTo("127.0.0.1");
    assertThat(headers.path("x-forwarded-proto").asText()).isEqualTo("http");
    assertThat(headers.path("accept-encoding").asText()).isEqualTo("gzip, deflate");
    assertThat(headers.path("x-custom").asText()).isEqualTo("kept");
    assertThat(headers.has("connection") && headers.path("connection").asText().contains("upgrade")).isFalse();
  }

  @Test
  @Order(17)
  void webSocketsAreTunnelledToTheDevServer() throws Exception {
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket socket = browser.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + daemon.daemon().previewPort() + "/ws"), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              received.add(text.toString());
              text.setLength(0);
            }
            webSocket.request(1);
            return null;
          }
        }).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("welcome");
    socket.sendText("echo me", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo me");
    String big = "x".repeat(100_000);
    socket.sendText(big, true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(big);
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }

  @Test
  @Order(18)
  void aRefusedWebSocketHandshakeIsPassedOn() throws Exception {
    CompletableFuture<WebSocket> refused = browser.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + daemon.daemon().previewPort() + "/not-a-socket"), new WebSocket.Listener() { });
    assertThat(refused).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingRootCause().withMessageContaining("404");
  }

  @Test
  @Order(19)
  void theBootstrapScriptIsServedAndTheControlApiIsNotReachableHere() throws Exception {
    HttpResponse<String> script = fetch("/__studio/bootstrap.js", Map.of());
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("javascript"));
    assertThat(script.body()).contains("postMessage").contains("studio:error");

    for (String path : List.of("/_sandbox/idle", "/_sandbox/read", "/_sandbox/events", "/_sandbox")) {
      HttpRequest withToken = HttpRequest.newBuilder(daemon.preview(path))
          .header("Authorization", "Bearer " + daemon.token()).GET().build();
      assertThat(browser.send(withToken, HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isEqualTo(404);
    }
  }

  @Test
  @Order(20)
  void previewRequestsCountAsActivity() throws Exception {
    Instant before = Instant.now();
    Thread.sleep(1100); // the activity clock has a resolution of one second
    fetch("/", Map.of());
    JsonNode idle = daemon.get("/_sandbox/idle").json();
    assertThat(Instant.parse(idle.path("lastActivity").asText())).isAfter(before);
    assertThat(idle.path("idleSeconds").asLong()).isLessThanOrEqualTo(1);
  }

  @Test
  @Order(30)
  void restartingTheDevServerReplacesTheRunningOne() throws Exception {
    String first = devServerTask();
    Reply restarted = daemon.post("/_sandbox/setup/start", Map.of());
    assertThat(restarted.json().path("taskId").asText()).isNotEqualTo(first);
    events.await("devserver.ready", data -> data.path("taskId").asText().equals(restarted.json().path("taskId").asText()),
        Duration.ofSeconds(20));
    assertThat(fetch("/", Map.of()).statusCode()).isEqualTo(200);
    JsonNode tasks = daemon.get("/_sandbox/tasks").json().path("tasks");
    assertThat(tasks).filteredOn(task -> task.path("id").asText().equals(first))
        .singleElement().satisfies(task -> assertThat(task.path("state").asText()).isEqualTo("killed"));
  }

  private static String devServerTask() {
    for (JsonNode task : daemon.get("/_sandbox/tasks").json().path("tasks")) {
      if (task.path("name").asText().equals("dev-server") && task.path("state").asText().equals("running")) {
        return task.path("id").asText();
      }
    }
    throw new AssertionError("no running dev-server task");
  }

  private static void assertPhase(String phase, String state) {
    Reply reply = daemon.post("/_sandbox/setup/" + phase, Map.of());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().path("phase").asText()).isEqualTo(phase);
    assertThat(reply.json().path("state").asText()).as(reply.body()).isEqualTo(state);
  }

  private static java.util.function.Predicate<JsonNode> phase(String phase) {
    return data -> data.path("phase").asText().equals(phase);
  }

  private static void assertInjectedOnce(String html) {
    assertThat(html).containsOnlyOnce(TAG);
    assertThat(html).endsWith(TAG + "</body></html>\n");
  }

  /** Reads until the connection ends or the socket's timeout passes. */
  private static String readToEnd(java.io.InputStream in) throws IOException {
    java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
    try {
      in.transferTo(received);
    } catch (java.net.SocketTimeoutException stalled) {
      // What came so far is what the assertions look at.
    }
    return received.toString(StandardCharsets.UTF_8);
  }

  private static void assertLengthIsRightOrAbsent(java.net.http.HttpHeaders headers, int actual) {
    headers.firstValueAsLong("Content-Length").ifPresent(length -> assertThat(length).isEqualTo(actual));
  }

  private static HttpResponse<String> fetch(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(daemon.preview(path)).timeout(Duration.ofSeconds(10));
    headers.forEach(request::header);
    return browser.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<byte[]> fetchBytes(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(daemon.preview(path)).timeout(Duration.ofSeconds(10));
    headers.forEach(request::header);
    return browser.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
