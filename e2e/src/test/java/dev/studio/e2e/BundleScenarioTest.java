package dev.studio.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.crd.v1alpha1.Bundle;
import dev.studio.crd.v1alpha1.BundleSpec;
import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioRef;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import dev.studio.operator.OperatorConfig;
import dev.studio.runtime.Role;
import dev.studio.runtime.bundle.TestBundles;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Bundle from git to a chat answer, with every part real but the Kubernetes API (the fabric8 mock
 * server): the operator resolves a local bare repository's branch, packages and uploads it to a
 * running platform (api and worker on the local PostgreSQL, Redis and NATS, S3 through s3proxy),
 * which serves it; moving the branch switches new runs to the new commit while a long run finishes
 * on the old one.
 */
class BundleScenarioTest {
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  S3Server s3;
  MockCluster cluster;
  Platform platform;
  Api admin;
  Path work;

  @BeforeEach
  void start() throws Exception {
    s3 = S3Server.start();
    cluster = MockCluster.start();
    Fixtures.datastoreSecrets().forEach(s -> cluster.client.resource(s).create());
    // The platform's api is started first, on a port the operator is then told about; it takes
    // the admin token the operator generated for the studio.
    var holder = new String[1];
    var base = MockCluster.operatorConfig();
    var port = freePort();
    cluster.startOperator(new OperatorConfig(base.watchNamespaces(), false, base.leaseName(), null, "bundle-e2e", 0, base.images(), 4,
        new OperatorConfig.Autoscaling("http://127.0.0.1:" + port, Duration.ofSeconds(15), Duration.ofSeconds(120))));
    cluster.client.resource(Fixtures.studio("acme")).create();
    await().atMost(WAIT).until(() -> (holder[0] = adminToken()) != null);
    var env = new HashMap<>(s3.env());
    env.put("STUDIO_ADMIN_TOKEN", holder[0]);
    env.put("STUDIO_HTTP_PORT", Integer.toString(port));
    platform = Platform.create(env);
    var api = platform.start(Role.api);
    platform.start(Role.worker, Map.of("STUDIO_HTTP_PORT", "0"));
    admin = new Api("http://127.0.0.1:" + api.port(), holder[0]);

    Path origin = tmp.resolve("origin.git");
    git(tmp, "init", "--bare", "--initial-branch=main", origin.toString());
    work = tmp.resolve("work");
    git(tmp, "clone", origin.toString(), work.toString());
    git(work, "config", "user.email", "e2e@studio.test");
    git(work, "config", "user.name", "e2e");
  }

  @AfterEach
  void stop() {
    if (platform != null) {
      platform.close();
    }
    cluster.close();
    s3.close();
  }

  @Test
  void aBranchMovesAndNewRunsTakeTheNewCommitWhileALongRunFinishesOnTheOld() throws Exception {
    String first = commitWordTools("first");
    var bundle = new Bundle(Fixtures.NAMESPACE, "word-tools", new BundleSpec(new StudioRef("acme"),
        new BundleSpec.Source(new BundleSpec.GitSource("file://" + tmp.resolve("origin.git"), "main", "bundles/word-tools"), null, null),
        BundleSpec.BundleKind.Jvm, new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(Map.of("delayMillis", 500)), null, null, List.of(), false, "1s"));
    cluster.client.resource(bundle).create();
    awaitServing(first);

    String org = Platform.org(admin);
    var user = admin.as(Platform.token(admin, org, "paid"));
    String thread = Platform.thread(user, org);
    String longRun = post(user, org, thread, "one two three four five six seven");
    await().atMost(WAIT).until(() -> "running".equals(user.get("/api/" + org + "/runs/" + longRun).at("/state")));

    String second = commitWordTools("second");
    awaitServing(second);
    assertThat(user.get("/api/" + org + "/runs/" + longRun).at("/state")).as("the long run is still going").isEqualTo("running");
    String newRun = post(user, org, Platform.thread(user, org), "two words");
    assertThat(answer(user, org, newRun)).isEqualTo("[" + second.substring(0, 7) + "] your message has 2 words");
    assertThat(answer(user, org, longRun)).isEqualTo("[" + first.substring(0, 7) + "] your message has 7 words");

    // Every worker serves the new commit, as the Bundle's status says.
    await().atMost(WAIT).until(() -> Integer.valueOf(1).equals(bundle().getStatus().loadedBy()));

    // A commit whose jar implements no SPI: the api refuses it, the Bundle says why, and the
    // platform goes on serving the last good commit.
    String broken = commit("broken", Map.of("word-tools.jar", TestBundles.jar(Map.of("plain/Plain.java",
        "package plain; public class Plain {}"), Map.of())));
    await().atMost(WAIT).untilAsserted(() -> {
      var ready = bundle().getStatus().condition(Condition.READY).orElseThrow();
      assertThat(ready.status()).isEqualTo(Condition.FALSE);
      assertThat(ready.reason()).isEqualTo("InvalidBundle");
      assertThat(ready.message()).contains("implements no bundle SPI");
    });
    assertThat(bundle().getStatus().resolvedRevision()).isEqualTo(second).isNotEqualTo(broken);
    assertThat(answer(user, org, post(user, org, Platform.thread(user, org), "still served")))
        .isEqualTo("[" + second.substring(0, 7) + "] your message has 2 words");
  }

  private void awaitServing(String commit) {
    await().atMost(WAIT).untilAsserted(() -> {
      var status = bundle().getStatus();
      assertThat(status).isNotNull();
      assertThat(status.resolvedRevision()).isEqualTo(commit);
      assertThat(status.condition(Condition.READY).map(Condition::status)).contains(Condition.TRUE);
      JsonNode served = null;
      for (JsonNode b : admin.get("/api/internal/bundles").json().path("bundles")) {
        served = b.path("name").asText().equals("word-tools") ? b : served;
      }
      assertThat(served).isNotNull();
      assertThat(served.path("revision").asText()).isEqualTo(commit);
      assertThat(served.path("loadedBy").asInt()).isEqualTo(1);
    });
  }

  private Bundle bundle() {
    return cluster.client.resources(Bundle.class).inNamespace(Fixtures.NAMESPACE).withName("word-tools").get();
  }

  /** Commits the word-tools jar (as its author's build makes it) and pushes main; returns the commit. */
  private String commitWordTools(String note) throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    try (var zip = new ZipInputStream(new java.io.ByteArrayInputStream(TestBundles.wordTools()))) {
      for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        files.put(entry.getName(), zip.readAllBytes());
      }
    }
    return commit(note, files);
  }

  /** Replaces the bundle's files with these, commits and pushes main; returns the commit. */
  private String commit(String note, Map<String, byte[]> files) throws Exception {
    Path dir = Files.createDirectories(work.resolve("bundles/word-tools"));
    for (var file : files.entrySet()) {
      Files.write(dir.resolve(file.getKey()), file.getValue());
    }
    Files.writeString(dir.resolve("NOTES.md"), note);
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", note);
    git(work, "push", "-q", "origin", "main");
    return git(work, "rev-parse", "HEAD").strip();
  }

  private static String post(Api user, String org, String thread, String text) {
    var posted = user.post("/api/" + org + "/threads/" + thread + "/messages", Map.of("text", text, "bundle", "word-tools"));
    assertThat(posted.status()).as(posted.text()).isEqualTo(202);
    return posted.at("/runId");
  }

  private static String answer(Api user, String org, String run) {
    var ended = Platform.awaitRun(user, org, run, WAIT);
    assertThat(ended.at("/state")).as(ended.text()).isEqualTo("completed");
    for (JsonNode message : user.get("/api/" + org + "/threads/" + ended.at("/threadId") + "/messages").json().path("messages")) {
      if (message.path("runId").asText().equals(run) && message.path("role").asText().equals("assistant")) {
        return message.path("text").asText();
      }
    }
    throw new AssertionError("no answer for run " + run);
  }

  private String adminToken() {
    var secret = cluster.client.secrets().inNamespace(Fixtures.NAMESPACE).withName("acme-generated").get();
    return Optional.ofNullable(secret).map(s -> s.getData()).map(d -> d.get("admin-token"))
        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8).trim()).orElse(null);
  }

  private static String git(Path dir, String... args) throws IOException, InterruptedException {
    var command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + output);
    }
    return output;
  }

  private static int freePort() throws IOException {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
