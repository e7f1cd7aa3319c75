package dev.studio.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.Projects;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local sandbox provider end to end: the runtime in role {@code all} starts a real daemon
 * process for a project cloned from a local bare repository, the daemon starts the project's Node
 * dev server, and an agent run with the dev model changes what the preview serves.
 */
class LocalSandboxTest {
  static final Duration WAIT = Duration.ofSeconds(90);
  @TempDir Path dir;

  @Test
  void anAgentRunChangesWhatThePreviewServes() throws Exception {
    String repo = bareRepository();
    String daemon = String.join(" ", daemonCommand());
    try (var platform = Platform.create(Map.of("SANDBOX_PROVIDER", "local", "SANDBOX_DAEMON_COMMAND", daemon))) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String token = Platform.token(admin, org, "paid");
      var user = admin.as(token);
      String thread = Platform.thread(user, org);

      var created = user.post("/api/" + org + "/sandboxes", Map.of("repo", repo, "ref", "main", "start", "node server.js",
          "threadId", thread));
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      String sandbox = created.at("/id");
      assertThat(created.at("/handle")).matches("[a-z][a-z2-7]{16}");
      assertThat(created.text()).doesNotContain("token");
      // The same user and project: the same sandbox.
      var again = user.post("/api/" + org + "/sandboxes", Map.of("repo", repo, "start", "node server.js"));
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.at("/id")).isEqualTo(sandbox);

      var ready = awaitReady(user, org, sandbox);
      String previewUrl = ready.at("/previewUrl");
      assertThat(previewUrl).startsWith("http://" + created.at("/handle") + ".localhost:");
      String first = preview(previewUrl);
      assertThat(first).contains("hello from version one").contains("/__studio/bootstrap.js");

      // The agent edits the page through its sandbox tool; the dev server serves the new file.
      String run = Platform.post(user, org, thread,
          "/tool write {\"path\": \"index.html\", \"content\": \"<html><body><p>changed by the agent</p></body></html>\"}");
      var done = Platform.awaitRun(user, org, run, WAIT);
      assertThat(done.at("/state")).isEqualTo("completed");
      assertThat(preview(previewUrl)).contains("changed by the agent").doesNotContain("version one");

      // The user's control calls reach the same workspace; other users do not see the sandbox.
      var read = user.post("/api/" + org + "/sandboxes/" + sandbox + "/control/read", Map.of("path", "index.html"));
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.at("/content")).contains("changed by the agent");
      var escape = user.post("/api/" + org + "/sandboxes/" + sandbox + "/control/read", Map.of("path", "../../etc/passwd"));
      assertThat(escape.status()).isEqualTo(400);
      var status = user.get("/api/" + org + "/sandboxes/" + sandbox + "/control/git/status");
      assertThat(status.status()).isEqualTo(200);
      assertThat(status.text()).contains("index.html");
      String other = Platform.token(admin, org, "paid");
      assertThat(admin.as(other).get("/api/" + org + "/sandboxes/" + sandbox).status()).isEqualTo(404);
      String otherOrg = Platform.org(admin);
      assertThat(admin.as(Platform.token(admin, otherOrg, "paid")).get("/api/" + org + "/sandboxes/" + sandbox).status())
          .isEqualTo(403);

      // Deleting it stops the daemon and its dev server.
      assertThat(user.delete("/api/" + org + "/sandboxes/" + sandbox).status()).isEqualTo(204);
      assertThat(user.get("/api/" + org + "/sandboxes/" + sandbox).status()).isEqualTo(404);
      assertThat(reachable(previewUrl)).isFalse();
    }
  }

  @Test
  void aProjectThatCannotBeClonedFailsSayingWhere() throws Exception {
    String daemon = String.join(" ", daemonCommand());
    try (var platform = Platform.create(Map.of("SANDBOX_PROVIDER", "local", "SANDBOX_DAEMON_COMMAND", daemon))) {
      var admin = platform.admin(platform.start(Role.all));
      String org = Platform.org(admin);
      var created = admin.post("/api/" + org + "/sandboxes",
          Map.of("repo", dir.resolve("missing.git").toUri().toString(), "start", "node server.js"));
      assertThat(created.status()).isEqualTo(201);
      long deadline = System.nanoTime() + WAIT.toNanos();
      var sandbox = admin.get("/api/" + org + "/sandboxes/" + created.at("/id"));
      while ("starting".equals(sandbox.at("/state")) && System.nanoTime() < deadline) {
        Thread.sleep(200);
        sandbox = admin.get("/api/" + org + "/sandboxes/" + created.at("/id"));
      }
      assertThat(sandbox.at("/state")).isEqualTo("failed");
      assertThat(sandbox.at("/error")).startsWith("clone: setup phase clone failed");
    }
  }

  @Test
  void badRequestsAreRefusedWithTheFieldNamed() {
    try (var platform = Platform.create()) {
      var runtime = platform.start(Role.api);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      var noRepo = admin.post("/api/" + org + "/sandboxes", Map.of("start", "npm run dev"));
      assertThat(noRepo.status()).isEqualTo(400);
      assertThat(noRepo.at("/error/details/field")).isEqualTo("repo");
      var notGit = admin.post("/api/" + org + "/sandboxes", Map.of("repo", "/etc/passwd"));
      assertThat(notGit.at("/error/details/field")).isEqualTo("repo");
      var badPort = admin.post("/api/" + org + "/sandboxes", Map.of("repo", "https://example.com/a.git", "port", 80));
      assertThat(badPort.at("/error/details/field")).isEqualTo("port");
      var unknownThread = admin.post("/api/" + org + "/sandboxes", Map.of("repo", "https://example.com/a.git",
          "threadId", "00000000-0000-0000-0000-000000000000"));
      assertThat(unknownThread.status()).isEqualTo(404);
    }
  }

  /** The activity report asks each running daemon when it was last used and hands that to the provider. */
  @Test
  void runningSandboxesReportTheirLastActivity() throws Exception {
    String repo = bareRepository();
    List<String> daemon = daemonCommand();
    var reported = new java.util.concurrent.CopyOnWriteArrayList<java.time.Instant>();
    var local = new LocalSandboxProvider(daemon);
    SandboxProvider recording = new SandboxProvider() {
      public DaemonEndpoint launch(String handle, String owner, SandboxSpec spec) throws Exception {
        return local.launch(handle, owner, spec);
      }

      public java.util.Optional<DaemonEndpoint> endpoint(String handle) {
        return local.endpoint(handle);
      }

      public void reportActivity(String handle, java.time.Instant lastActivity) {
        reported.add(lastActivity);
      }

      public void stop(String handle) {
        local.stop(handle);
      }

      public void close() {
        local.close();
      }
    };
    try (var platform = Platform.create()) {
      var admin = platform.admin(platform.start(Role.api));
      String slug = Platform.org(admin);
      var jdbi = org.jdbi.v3.core.Jdbi.create(platform.database().jdbcUrl());
      var orgId = jdbi.withHandle(h -> h.createQuery("select id from orgs where slug = ?").bind(0, slug)
          .mapTo(java.util.UUID.class).one());
      var store = new SandboxStore(jdbi);
      SandboxTokens noTokens = new SandboxTokens() {
        public Issued issue(java.util.UUID orgId, String handle) {
          throw new AssertionError("no org-fs volumes, no token");
        }

        public void revoke(java.util.UUID orgId, java.util.UUID tokenId) {}
      };
      try (var service = new SandboxService(store, recording, noTokens, () -> admin.base())) {
        java.time.Instant before = java.time.Instant.now().minusSeconds(1);
        var sandbox = service.create(orgId, slug, "token:test", new SandboxSpec(repo, "main", null, null, "node server.js", null)).sandbox();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (store.get(orgId, sandbox.id()).orElseThrow().state() == Sandbox.State.starting && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        assertThat(store.get(orgId, sandbox.id()).orElseThrow().state()).isEqualTo(Sandbox.State.ready);

        service.reportActivity();
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0)).isAfter(before).isBeforeOrEqualTo(java.time.Instant.now());
      }
    }
  }

  /**
   * A sandbox with org volumes gets its own org token, handed to the org-fs sidecar's config
   * through the daemon; the token reaches the org's files and dies with the sandbox.
   */
  @Test
  void theOrgFsSidecarGetsATokenOfItsOwnThatDiesWithTheSandbox() throws Exception {
    String repo = bareRepository();
    String daemon = String.join(" ", daemonCommand());
    try (var s3 = dev.studio.runtime.testing.S3Server.start()) {
      var env = new java.util.HashMap<>(s3.env());
      env.putAll(Map.of("SANDBOX_PROVIDER", "local", "SANDBOX_DAEMON_COMMAND", daemon));
      try (var platform = Platform.create(env)) {
        var admin = platform.admin(platform.start(Role.all));
        String org = Platform.org(admin);
        var user = admin.as(Platform.token(admin, org, "paid"));
        var bad = user.post("/api/" + org + "/sandboxes", Map.of("repo", repo, "orgFs", List.of(Map.of("volume", "../etc"))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.at("/error/details/field")).isEqualTo("orgFs.volume");

        var created = user.post("/api/" + org + "/sandboxes", Map.of("repo", repo, "start", "node server.js",
            "orgFs", List.of(Map.of("volume", "docs"), Map.of("volume", "public-assets", "path", "assets", "readOnly", true))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        awaitReady(user, org, created.at("/id"));

        var config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(orgFsConfigOf(created.at("/handle")).toFile());
        assertThat(config.path("org").asText()).isEqualTo(org);
        assertThat(config.path("apiUrl").asText()).isEqualTo(admin.base());
        assertThat(config.path("root").asText()).endsWith("/org");
        assertThat(config.path("volumes")).hasSize(2);
        assertThat(config.at("/volumes/1/path").asText()).isEqualTo("assets");
        assertThat(config.at("/volumes/1/readOnly").asBoolean()).isTrue();
        var sidecar = admin.as(config.path("token").asText());
        assertThat(sidecar.get("/api/" + org + "/fs/docs/list").status()).isEqualTo(200);
        assertThat(created.text()).doesNotContain(config.path("token").asText());

        assertThat(user.delete("/api/" + org + "/sandboxes/" + created.at("/id")).status()).isEqualTo(204);
        assertThat(sidecar.get("/api/" + org + "/fs/docs/list").status()).isEqualTo(401);
      }
    }
  }

  /** Where the local provider's daemon wrote the sidecar's config (beside its workspace). */
  private static Path orgFsConfigOf(String handle) throws Exception {
    try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return entries.filter(p -> p.getFileName().toString().startsWith("sandbox-" + handle + "-")
              && p.getFileName().toString().endsWith("-orgfs"))
          .map(p -> p.resolve("config.json")).filter(Files::exists).findFirst()
          .orElseThrow(() -> new AssertionError("no org-fs config for " + handle));
    }
  }

  private static List<String> daemonCommand() {
    return Projects.daemonCommand();
  }

  private static Api.Response awaitReady(Api user, String org, String sandbox) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Api.Response last = null;
    while (System.nanoTime() < deadline) {
      last = user.get("/api/" + org + "/sandboxes/" + sandbox);
      if (!"starting".equals(last.at("/state"))) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(last.at("/state")).as(last.text()).isEqualTo("ready");
    return last;
  }

  /** The preview, reached on the loopback (what {@code *.localhost} resolves to in a browser). */
  private static String preview(String previewUrl) throws Exception {
    try (var http = HttpClient.newHttpClient()) {
      var response = http.send(HttpRequest.newBuilder(direct(previewUrl)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }

  private static boolean reachable(String previewUrl) {
    try (var http = HttpClient.newHttpClient()) {
      http.send(HttpRequest.newBuilder(direct(previewUrl)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static URI direct(String previewUrl) {
    return URI.create("http://127.0.0.1:" + URI.create(previewUrl).getPort() + "/");
  }

  private String bareRepository() throws Exception {
    return Projects.nodeDevServer(dir);
  }
}
