package dev.studio.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.studio.operator.status.KstatusEvaluator.Status.Current;
import static org.awaitility.Awaitility.await;

import dev.studio.crd.v1alpha1.Bundle;
import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.SandboxClaimStatus;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.WorkerPool;
import dev.studio.e2e.process.ProcessPlatform;
import dev.studio.operator.Fixtures;
import dev.studio.operator.status.KstatusEvaluator;
import dev.studio.runtime.bundle.TestBundles;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Browser;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.Projects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The platform as a user meets it, in process mode: the real operator on the fabric8 mock API
 * server, and a stand-in kubelet running every pod the operator asks for as a local process with
 * the env, args and ports the operator wrote (the local PostgreSQL, Redis and NATS, S3 through
 * s3proxy). Apply a StudioDeployment; it turns Ready; an org, a token and a chat go through its
 * web tier (and the web app in a browser); an agent edits its sandbox and the preview URL serves
 * the change; a WorkerPool and a Bundle join; deleting it all leaves nothing behind.
 */
class PlatformScenarioTest {
  static final Duration STARTUP = Duration.ofSeconds(180);

  ProcessPlatform platform;
  String name;
  @TempDir Path dir;

  @org.junit.jupiter.api.BeforeAll
  static void report() {
    Backends.report();
  }

  @BeforeEach
  void start() {
    platform = ProcessPlatform.start("e2e");
    name = platform.name;
  }

  @AfterEach
  void stop() {
    platform.close();
  }

  @Test
  void applyAStudioChatThroughItsWebTierAndDeleteIt() throws Exception {
    var cluster = platform.cluster;
    var kubelet = platform.kubelet;
    var env = platform.s3.env();
    platform.apply("{replicas: 1, maxConcurrentRuns: 4, listenQueues: [paid, registered, anonymous]}");

    await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      var ready = studio().getStatus() == null ? Optional.<Condition>empty() : studio().getStatus().condition(Condition.READY);
      assertThat(ready.map(Condition::status)).as("Ready; kubelet problems: %s", kubelet.problems(name + "-web")).contains(Condition.TRUE);
    });

    // What Flux and Argo CD see, by kstatus's rules: Current.
    assertThat(KstatusEvaluator.of(studio(), studio().getStatus(), studio().getStatus().observedGeneration())).isEqualTo(Current);

    // Everything a user does goes through the web tier, as it would through the cluster's front door.
    var admin = new Api("http://127.0.0.1:" + platform.webPort(), platform.adminToken());
    String org = Platform.org(admin);
    var user = admin.as(Platform.token(admin, org, "paid"));
    String thread = Platform.thread(user, org);
    String run = Platform.post(user, org, thread, "hello from the web tier");
    var ended = Platform.awaitRun(user, org, run, Duration.ofSeconds(60));
    assertThat(ended.at("/state")).isEqualTo("completed");
    var messages = user.get("/api/" + org + "/threads/" + thread + "/messages").json().path("messages");
    assertThat(messages.get(1).path("text").asText()).isEqualTo("Echo: hello from the web tier");
    theAppWorksThroughTheWebTier(org, thread, Platform.token(admin, org, "paid"));
    anAgentChangesWhatItsSandboxsPreviewServes(user, org);

    // A WorkerPool for the privileged queue: its workers start, and the admin's runs land there.
    var pool = cluster.client.resource(Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: WorkerPool
        metadata: {name: %s-vip, namespace: %s}
        spec: {studioRef: {name: %s}, queues: [privileged], replicas: 1}
        """.formatted(name, Fixtures.NAMESPACE, name), WorkerPool.class)).create();
    String privileged = Platform.post(admin, org, Platform.thread(admin, org), "for the pool");
    var pooled = Platform.awaitRun(admin, org, privileged, STARTUP);
    assertThat(pooled.at("/state")).isEqualTo("completed");
    assertThat(pooled.at("/worker")).as("the run's worker is a pod of the pool").startsWith(name + "-vip-pool-");

    // A Bundle from the object store: the operator has the platform's api import and validate it,
    // the worker processes load it, and a message naming it is answered by it.
    byte[] jar = TestBundles.jar(TestBundles.wordToolsSources(), TestBundles.wordToolsResources());
    platform.s3.client().putObject(b -> b.bucket(env.get("S3_BUCKET")).key("uploads/word-tools.jar"),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(jar));
    var bundle = cluster.client.resource(Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: Bundle
        metadata: {name: word-tools, namespace: %s}
        spec:
          studioRef: {name: %s}
          source: {uri: "s3://%s/uploads/word-tools.jar"}
          kind: Jvm
        """.formatted(Fixtures.NAMESPACE, name, env.get("S3_BUCKET")), Bundle.class)).create();
    await().atMost(STARTUP).untilAsserted(() -> {
      var status = cluster.client.resource(bundle).get().getStatus();
      assertThat(status).isNotNull();
      assertThat(status.condition(Condition.READY).map(Condition::status)).as("%s", status).contains(Condition.TRUE);
      assertThat(status.loadedBy()).isEqualTo(2); // the studio's worker and the pool's
      assertThat(KstatusEvaluator.of(bundle, status, status.observedGeneration())).isEqualTo(Current);
    });
    var bundled = user.post("/api/" + org + "/threads/" + thread + "/messages", Map.of("text", "count these words", "bundle", "word-tools"));
    assertThat(bundled.status()).as(bundled.text()).isEqualTo(202);
    assertThat(Platform.awaitRun(user, org, bundled.at("/runId"), Duration.ofSeconds(60)).at("/state")).isEqualTo("completed");
    messages = user.get("/api/" + org + "/threads/" + thread + "/messages").json().path("messages");
    var answer = java.util.stream.StreamSupport.stream(messages.spliterator(), false)
        .filter(m -> bundled.at("/runId").equals(m.path("runId").asText()) && m.path("role").asText().equals("assistant")).findFirst();
    assertThat(answer).as("the bundle's answer in %s", messages).isPresent();
    assertThat(answer.get().path("text").asText()).endsWith("your message has 3 words");

    // Delete everything that was applied (what it made goes with it).
    cluster.client.resource(bundle).delete();
    cluster.client.resource(pool).delete();
    cluster.client.resource(studio()).delete();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(kubelet.running()).isEmpty();
      assertThat(kubelet.sandboxPods()).isEmpty();
      assertThat(cluster.client.pods().inNamespace(Fixtures.NAMESPACE).list().getItems()).isEmpty();
      assertThat(cluster.client.resources(SandboxClaim.class).inNamespace(Fixtures.NAMESPACE).list().getItems()).isEmpty();
      assertThat(cluster.client.apps().deployments().inNamespace(Fixtures.NAMESPACE).list().getItems()).isEmpty();
      assertThat(cluster.client.services().inNamespace(Fixtures.NAMESPACE).list().getItems()).isEmpty();
      assertThat(cluster.client.configMaps().inNamespace(Fixtures.NAMESPACE).list().getItems()).isEmpty();
      assertThat(cluster.client.secrets().inNamespace(Fixtures.NAMESPACE).list().getItems())
          .extracting(s -> s.getMetadata().getName()).containsExactlyInAnyOrder("db", "s3"); // the user's own
    });
  }

  /**
   * A user's sandbox, all the way: the api creates a SandboxClaim, the operator binds a pod and
   * writes its Service and HTTPRoute, the kubelet runs the daemon at the pod's own address, the
   * daemon clones the project and starts its dev server; the agent's {@code /tool write} (run by a
   * worker, which finds the daemon through the claim) changes what the preview URL serves through
   * the gateway; deleting the sandbox removes the claim, the pod and the route.
   */
  private void anAgentChangesWhatItsSandboxsPreviewServes(Api user, String org) throws Exception {
    String repo = Projects.nodeDevServer(dir);
    String thread = Platform.thread(user, org);
    var created = user.post("/api/" + org + "/sandboxes", Map.of("repo", repo, "ref", "main", "start", Projects.START,
        "port", freePort(), "threadId", thread));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String sandbox = created.at("/id");
    String handle = created.at("/handle");
    var ready = await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(
        () -> user.get("/api/" + org + "/sandboxes/" + sandbox), r -> !"starting".equals(r.at("/state")));
    assertThat(ready.at("/state")).as("%s; pods: %s", ready.text(), platform.kubelet.sandboxPods().stream()
        .map(platform.kubelet::podProblems).toList()).isEqualTo("ready");
    String previewUrl = ready.at("/previewUrl");
    // The claim is named after the platform's handle; the public preview host has a handle of its own.
    var claim = platform.cluster.client.resources(SandboxClaim.class).inNamespace(Fixtures.NAMESPACE).withName(handle).get();
    assertThat(claim.getStatus().phase()).isEqualTo(SandboxClaimStatus.Phase.Ready);
    assertThat(previewUrl).matches("https://[a-z2-7]{16}\\.preview\\.preview\\.127\\.0\\.0\\.1\\.nip\\.io")
        .isEqualTo(claim.getStatus().previewUrl());
    assertThat(platform.kubelet.sandboxPods()).contains(claim.getStatus().podName());
    assertThat(platform.preview(previewUrl).body()).contains(Projects.FIRST_PAGE);

    String run = Platform.post(user, org, thread,
        "/tool write {\"path\": \"index.html\", \"content\": \"<html><body><p>written by the agent in its pod</p></body></html>\"}");
    assertThat(Platform.awaitRun(user, org, run, Duration.ofSeconds(60)).at("/state")).isEqualTo("completed");
    var page = platform.preview(previewUrl);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("written by the agent in its pod").doesNotContain(Projects.FIRST_PAGE);

    assertThat(user.delete("/api/" + org + "/sandboxes/" + sandbox).status()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(platform.cluster.client.resources(SandboxClaim.class).inNamespace(Fixtures.NAMESPACE).withName(handle).get()).isNull();
      assertThat(platform.kubelet.sandboxPods()).doesNotContain(claim.getStatus().podName());
      assertThat(platform.preview(previewUrl).status()).isEqualTo(404);
    });
  }

  static int freePort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private StudioDeployment studio() {
    return platform.studio().orElse(null);
  }

  /**
   * The web tier serves the app the init container exported (nginx itself where it is installed,
   * running the operator's config) and proxies the api, SSE included: a person in a browser sees
   * the thread and a new answer streamed.
   */
  private void theAppWorksThroughTheWebTier(String org, String thread, String token) {
    String web = "http://127.0.0.1:" + platform.webPort();
    var page = new Api(web, "none").get("/");
    assertThat(page.status()).isEqualTo(200);
    var script = java.util.regex.Pattern.compile("assets/app\\.[0-9a-f]{10}\\.js").matcher(page.text());
    assertThat(script.find()).as(page.text()).isTrue();
    var asset = new Api(web, "none").get("/" + script.group());
    assertThat(asset.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    if (dev.studio.e2e.process.Nginx.installed().isPresent()) {
      assertThat(asset.header("Server")).startsWith("nginx");
    }
    try (var browser = Browser.open()) {
      browser.get(web + "/");
      browser.labelled("API token").sendKeys(token);
      browser.button("Sign in").click();
      browser.find(By.xpath("//button[normalize-space()='New thread']"));
      browser.get(web + "/#/chat/" + thread);
      browser.until(d -> d.findElements(By.cssSelector(".run[data-state='completed'] .step.text")).stream()
          .anyMatch(e -> e.getText().equals("Echo: hello from the web tier")) ? true : null);
      browser.labelled("Message").sendKeys("and hello from a browser", Keys.ENTER);
      browser.until(d -> d.findElements(By.cssSelector(".run:nth-child(2)[data-state='completed'] .step.text")).stream()
          .anyMatch(e -> e.getText().equals("Echo: and hello from a browser")) ? true : null);
    }
  }
}
