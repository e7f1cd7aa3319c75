package dev.studio.orgfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar against a real runtime (local PostgreSQL and NATS, S3 through s3proxy): its
 * directory and the org-fs API in step both ways, read-only volumes, conflict copies.
 */
class SyncTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration SOON = Duration.ofSeconds(15);
  static S3Server s3;
  static Platform platform;
  static StudioRuntime runtime;

  @TempDir
  Path temp;
  Path root;
  Path config;
  Path status;
  String org;
  Api api;
  Api admin;
  Sidecar sidecar;

  @BeforeAll
  static void startPlatform() {
    s3 = S3Server.start();
    var env = new HashMap<>(s3.env());
    env.put("STUDIO_ORGFS_CHANGES_WAIT_SECONDS", "20");
    platform = Platform.create(env);
    runtime = platform.start(Role.api);
  }

  @AfterAll
  static void stopPlatform() {
    platform.close();
    s3.close();
  }

  @BeforeEach
  void startSidecar() throws Exception {
    admin = platform.admin(runtime);
    org = Platform.org(admin);
    api = admin.as(Platform.token(admin, org, "paid"));
    root = temp.resolve("app/org");
    config = temp.resolve("run/orgfs/config.json");
    status = temp.resolve("run/orgfs/status.json");
    // Published content before the pod is bound.
    assertThat(put(admin, "public-docs", "guide.md", "# guide").status()).isEqualTo(201);
    assertThat(put(api, "shared", "existing.txt", "was there").status()).isEqualTo(201);

    sidecar = new Sidecar(config, status, Clock.systemUTC()).start();
    // Started before binding: it waits and says so.
    await().atMost(SOON).until(() -> Files.exists(status) && statusJson().get("state").asText().equals("waiting-for-config"));
    Files.createDirectories(config.getParent());
    Files.writeString(config, JSON.writeValueAsString(Map.of(
        "apiUrl", api.base(), "token", api.token(), "org", org, "root", root.toString(),
        "volumes", List.of(Map.of("volume", "shared"), Map.of("volume", "public-docs")))));
    await().atMost(SOON).until(() -> statusJson().get("state").asText().equals("running")
        && statusJson().get("volumes").findValuesAsText("state").stream().allMatch("syncing"::equals));
  }

  @AfterEach
  void stopSidecar() {
    sidecar.close();
  }

  @Test
  void localWritesShowThroughTheApiAndRemoteWritesLocally() throws Exception {
    Path shared = root.resolve("shared");
    assertThat(Files.readString(shared.resolve("existing.txt"))).isEqualTo("was there");

    Files.createDirectories(shared.resolve("notes"));
    Files.writeString(shared.resolve("notes/from-pod.md"), "written in the sandbox");
    await().atMost(SOON).until(() -> read("shared", "notes/from-pod.md").equals("written in the sandbox"));

    assertThat(put(api, "shared", "from-api.txt", "written through the API").status()).isEqualTo(201);
    await().atMost(SOON).until(() -> Files.exists(shared.resolve("from-api.txt"))
        && Files.readString(shared.resolve("from-api.txt")).equals("written through the API"));

    // Edits and deletes, both ways.
    Files.writeString(shared.resolve("notes/from-pod.md"), "edited in the sandbox");
    await().atMost(SOON).until(() -> read("shared", "notes/from-pod.md").equals("edited in the sandbox"));
    Files.delete(shared.resolve("existing.txt"));
    await().atMost(SOON).until(() -> api.get("/api/" + org + "/fs/shared/file?path=existing.txt").status() == 404);
    assertThat(api.delete("/api/" + org + "/fs/shared/file?path=from-api.txt").status()).isEqualTo(204);
    await().atMost(SOON).until(() -> !Files.exists(shared.resolve("from-api.txt")));

    assertThat(statusJson().get("volumes").get(0).get("files").asInt()).isEqualTo(1);
    assertThat(files(shared)).containsExactly("notes/from-pod.md");
  }

  @Test
  void readOnlyVolumesStayReadOnly() throws Exception {
    Path docs = root.resolve("public-docs");
    await().atMost(SOON).until(() -> Files.exists(docs.resolve("guide.md")));
    assertThat(Files.readString(docs.resolve("guide.md"))).isEqualTo("# guide");
    assertThat(Files.getPosixFilePermissions(docs.resolve("guide.md")))
        .doesNotContain(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    // The platform refuses the org's writes to it.
    assertThat(put(api, "public-docs", "guide.md", "defaced").status()).isEqualTo(403);

    // A local edit (possible for root, who ignores permissions) is never uploaded and is put back.
    Files.writeString(docs.resolve("guide.md"), "defaced locally");
    Files.writeString(docs.resolve("new.md"), "not published");
    await().atMost(SOON).until(() -> Files.readString(docs.resolve("guide.md")).equals("# guide"));
    await().atMost(SOON).until(() -> volumeStatus("public-docs").get("refusedLocalWrites").asInt() == 1);
    assertThat(read("public-docs", "guide.md")).isEqualTo("# guide");
    assertThat(api.get("/api/" + org + "/fs/public-docs/file?path=new.md").status()).isEqualTo(404);

    // What the platform publishes still arrives.
    assertThat(put(admin, "public-docs", "guide.md", "# guide, v2").status()).isEqualTo(200);
    await().atMost(SOON).until(() -> Files.readString(docs.resolve("guide.md")).equals("# guide, v2"));
  }

  @Test
  void concurrentWritesLeaveAConflictCopy() throws Exception {
    Path shared = root.resolve("shared");
    await().atMost(SOON).until(() -> Files.exists(shared.resolve("existing.txt")));
    // Both sides edit the same file before either edit can reach the other.
    sidecar.pause(true);
    Thread.sleep(300);
    Files.writeString(shared.resolve("existing.txt"), "edited in the sandbox");
    assertThat(put(api, "shared", "existing.txt", "edited through the API").status()).isEqualTo(200);
    sidecar.pause(false);

    // The platform's edit was committed first and wins; the sandbox's is kept beside it, on both sides.
    await().atMost(SOON).until(() -> files(shared).size() == 2);
    assertThat(Files.readString(shared.resolve("existing.txt"))).isEqualTo("edited through the API");
    String copy = files(shared).stream().filter(f -> !f.equals("existing.txt")).findFirst().orElseThrow();
    assertThat(copy).matches("existing\\.conflict-\\d{8}T\\d{6}\\.\\d{3}Z\\.txt");
    assertThat(Files.readString(shared.resolve(copy))).isEqualTo("edited in the sandbox");
    await().atMost(SOON).until(() -> api.get("/api/" + org + "/fs/shared/file?path=" + copy).status() == 200);
    assertThat(read("shared", copy)).isEqualTo("edited in the sandbox");
    assertThat(read("shared", "existing.txt")).isEqualTo("edited through the API");
    assertThat(volumeStatus("shared").get("conflicts").asInt()).isEqualTo(1);
  }

  Api.Response put(Api as, String volume, String path, String content) {
    return as.send("PUT", "/api/" + org + "/fs/" + volume + "/file?path=" + path, content.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  String read(String volume, String path) {
    var bytes = api.bytes("/api/" + org + "/fs/" + volume + "/file?path=" + path);
    return bytes.status() == 200 ? new String(bytes.body(), StandardCharsets.UTF_8) : "<" + bytes.status() + ">";
  }

  com.fasterxml.jackson.databind.JsonNode statusJson() throws Exception {
    return JSON.readTree(Files.readAllBytes(status));
  }

  com.fasterxml.jackson.databind.JsonNode volumeStatus(String volume) throws Exception {
    for (var v : statusJson().get("volumes")) {
      if (v.get("volume").asText().equals(volume)) {
        return v;
      }
    }
    throw new AssertionError("no status for " + volume);
  }

  static List<String> files(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
          .filter(p -> !p.startsWith(VolumeSync.TEMP_PREFIX)).sorted().toList();
    }
  }
}
