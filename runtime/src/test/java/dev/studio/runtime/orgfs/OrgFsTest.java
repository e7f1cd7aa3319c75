package dev.studio.runtime.orgfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The org-fs routes on two api processes, the local PostgreSQL and NATS, and S3 through s3proxy. */
class OrgFsTest {
  static final int QUOTA = 3_000_000;
  static S3Server s3;
  static Platform platform;
  static StudioRuntime first;
  static StudioRuntime second;

  @BeforeAll
  static void start() {
    s3 = S3Server.start();
    var env = new HashMap<>(s3.env());
    env.put("STUDIO_ORGFS_QUOTA_BYTES", Integer.toString(QUOTA));
    // Long enough that a waiter answering quickly can only have been woken.
    env.put("STUDIO_ORGFS_CHANGES_WAIT_SECONDS", "20");
    platform = Platform.create(env);
    first = platform.start(Role.api);
    second = platform.start(Role.api);
  }

  @AfterAll
  static void stop() {
    platform.close();
    s3.close();
  }

  record Org(String slug, String id, Api api) {}

  static Org org() {
    var admin = platform.admin(first);
    String slug = "fs-" + UUID.randomUUID().toString().substring(0, 8);
    var created = admin.post("/api/orgs", Map.of("slug", slug, "name", slug));
    assertThat(created.status()).isEqualTo(201);
    String token = Platform.token(admin, slug, "paid");
    return new Org(slug, created.at("/id"), admin.as(token));
  }

  static Api.Response put(Api api, String org, String volume, String path, byte[] body, Map<String, String> headers) {
    return api.send("PUT", "/api/" + org + "/fs/" + volume + "/file?path=" + path, body, headers);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writeReadListAndOverwriteWithVersions() {
    var org = org();
    var created = put(org.api(), org.slug(), "shared", "docs/a.txt", utf8("one"), Map.of());
    assertThat(created.status()).isEqualTo(201);
    String v1 = created.header("ETag");
    assertThat(v1).isEqualTo(created.at("/etag")).startsWith("\"v");

    var read = org.api().bytes("/api/" + org.slug() + "/fs/shared/file?path=docs/a.txt");
    assertThat(read.status()).isEqualTo(200);
    assertThat(new String(read.body(), StandardCharsets.UTF_8)).isEqualTo("one");
    assertThat(read.header("ETag")).isEqualTo(v1);

    put(org.api(), org.slug(), "shared", "docs/deeper/b.txt", utf8("bee"), Map.of());
    put(org.api(), org.slug(), "shared", "top.txt", utf8("top"), Map.of());
    var root = org.api().get("/api/" + org.slug() + "/fs/shared/list");
    assertThat(root.json().get("entries").findValuesAsText("path")).containsExactly("docs", "top.txt");
    var docs = org.api().get("/api/" + org.slug() + "/fs/shared/list?path=docs");
    assertThat(docs.json().get("entries").findValuesAsText("path")).containsExactly("docs/a.txt", "docs/deeper");
    var all = org.api().get("/api/" + org.slug() + "/fs/shared/list?recursive=1");
    assertThat(all.json().get("entries").findValuesAsText("path")).containsExactly("docs/a.txt", "docs/deeper/b.txt", "top.txt");
    // Volumes are separate.
    assertThat(org.api().get("/api/" + org.slug() + "/fs/other/list").json().get("entries")).isEmpty();

    // If-Match: the current version succeeds, a stale one is refused with 412 and changes nothing.
    var overwritten = put(org.api(), org.slug(), "shared", "docs/a.txt", utf8("two"), Map.of("If-Match", v1));
    assertThat(overwritten.status()).isEqualTo(200);
    String v2 = overwritten.header("ETag");
    assertThat(v2).isNotEqualTo(v1);
    var stale = put(org.api(), org.slug(), "shared", "docs/a.txt", utf8("lost"), Map.of("If-Match", v1));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.at("/error/code")).isEqualTo("precondition_failed");
    var create = put(org.api(), org.slug(), "shared", "docs/a.txt", utf8("lost"), Map.of("If-None-Match", "*"));
    assertThat(create.status()).isEqualTo(412);
    assertThat(new String(org.api().bytes("/api/" + org.slug() + "/fs/shared/file?path=docs/a.txt").body(), StandardCharsets.UTF_8))
        .isEqualTo("two");
    // The other process sees the same.
    var other = org.api().at(second.port());
    assertThat(other.bytes("/api/" + org.slug() + "/fs/shared/file?path=docs/a.txt").header("ETag")).isEqualTo(v2);
  }

  @Test
  void deleteAndMove() {
    var org = org();
    String v1 = put(org.api(), org.slug(), "shared", "a.txt", utf8("a"), Map.of()).header("ETag");
    var moved = org.api().send("POST", "/api/" + org.slug() + "/fs/shared/move", utf8("{\"from\":\"a.txt\",\"to\":\"dir/b.txt\"}"),
        Map.of("Content-Type", "application/json", "If-Match", v1));
    assertThat(moved.status()).isEqualTo(200);
    assertThat(org.api().get("/api/" + org.slug() + "/fs/shared/file?path=a.txt").status()).isEqualTo(404);
    var b = org.api().bytes("/api/" + org.slug() + "/fs/shared/file?path=dir/b.txt");
    assertThat(new String(b.body(), StandardCharsets.UTF_8)).isEqualTo("a");

    put(org.api(), org.slug(), "shared", "c.txt", utf8("c"), Map.of());
    var onto = org.api().send("POST", "/api/" + org.slug() + "/fs/shared/move", utf8("{\"from\":\"c.txt\",\"to\":\"dir/b.txt\"}"),
        Map.of("Content-Type", "application/json"));
    assertThat(onto.status()).isEqualTo(409);

    var staleDelete = org.api().send("DELETE", "/api/" + org.slug() + "/fs/shared/file?path=dir/b.txt", null, Map.of("If-Match", v1));
    assertThat(staleDelete.status()).isEqualTo(412);
    var deleted = org.api().send("DELETE", "/api/" + org.slug() + "/fs/shared/file?path=dir/b.txt", null, Map.of("If-Match", b.header("ETag")));
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(org.api().get("/api/" + org.slug() + "/fs/shared/file?path=dir/b.txt").status()).isEqualTo(404);
    assertThat(org.api().delete("/api/" + org.slug() + "/fs/shared/file?path=dir/b.txt").status()).isEqualTo(404);

    org.api().delete("/api/" + org.slug() + "/fs/shared/file?path=c.txt");
    // Overwritten and deleted content leaves no object behind.
    try (var client = s3.client()) {
      assertThat(client.listObjectsV2(r -> r.bucket(s3.bucket()).prefix("orgfs/" + org.id() + "/")).contents()).isEmpty();
    }
  }

  @Test
  void publicVolumesAreReadOnly() {
    var org = org();
    var refused = put(org.api(), org.slug(), "public-docs", "a.txt", utf8("x"), Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.at("/error/code")).isEqualTo("read_only_volume");
    assertThat(refused.at("/error/message")).contains("read-only");
    // The admin publishes; the org's token reads and may not delete or move.
    var admin = platform.admin(first);
    assertThat(put(admin, org.slug(), "public-docs", "a.txt", utf8("published"), Map.of()).status()).isEqualTo(201);
    assertThat(new String(org.api().bytes("/api/" + org.slug() + "/fs/public-docs/file?path=a.txt").body(), StandardCharsets.UTF_8))
        .isEqualTo("published");
    assertThat(org.api().delete("/api/" + org.slug() + "/fs/public-docs/file?path=a.txt").status()).isEqualTo(403);
    assertThat(org.api().post("/api/" + org.slug() + "/fs/public-docs/move", Map.of("from", "a.txt", "to", "b.txt")).status()).isEqualTo(403);
  }

  @Test
  void quotaPerOrgCountsEveryVolume() {
    var org = org();
    // Larger than the 1 MB limit of JSON bodies: file bodies stream.
    byte[] two = new byte[2_000_000];
    assertThat(put(org.api(), org.slug(), "shared", "big.bin", two, Map.of()).status()).isEqualTo(201);
    var refused = put(org.api(), org.slug(), "other", "big2.bin", two, Map.of());
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.at("/error/code")).isEqualTo("quota_exceeded");
    assertThat(refused.json().at("/error/details/limitBytes").asLong()).isEqualTo(QUOTA);
    assertThat(refused.json().at("/error/details/usedBytes").asLong()).isEqualTo(2_000_000);
    assertThat(org.api().get("/api/" + org.slug() + "/fs/other/file?path=big2.bin").status()).isEqualTo(404);
    // Replacing a file counts its new size instead of the old one.
    assertThat(put(org.api(), org.slug(), "shared", "big.bin", new byte[2_900_000], Map.of()).status()).isEqualTo(200);
    // Larger than the whole quota: refused before it is read.
    assertThat(put(org.api(), org.slug(), "third", "huge.bin", new byte[QUOTA + 1], Map.of("Expect", "100-continue")).status())
        .isEqualTo(413);
    // Another org has its own quota.
    var other = org();
    assertThat(put(other.api(), other.slug(), "shared", "big.bin", two, Map.of()).status()).isEqualTo(201);
  }

  @Test
  void refusesBadPathsAndVolumes() {
    var org = org();
    for (String path : List.of("..%2Fescape.txt", "a/../b", "%2Fabs.txt", "a%00b", "a//b", "x".repeat(300), "")) {
      var answer = put(org.api(), org.slug(), "shared", path, utf8("x"), Map.of());
      assertThat(answer.status()).as(path).isEqualTo(400);
      assertThat(answer.at("/error/details/field")).as(path).isEqualTo("path");
      assertThat(org.api().get("/api/" + org.slug() + "/fs/shared/file?path=" + path).status()).as(path).isEqualTo(400);
    }
    assertThat(put(org.api(), org.slug(), "Bad.Volume", "a.txt", utf8("x"), Map.of()).status()).isEqualTo(400);
    assertThat(org.api().get("/api/" + org.slug() + "/fs/shared/list?recursive=1").json().get("entries")).isEmpty();
  }

  @Test
  void everyRouteChecksTheTokenAndTheOrg() {
    var org = org();
    var intruder = org();
    put(org.api(), org.slug(), "shared", "secret.txt", utf8("s"), Map.of());
    var anonymous = org.api().as(null);
    assertThat(anonymous.get("/api/" + org.slug() + "/fs/shared/list").status()).isEqualTo(401);
    assertThat(anonymous.get("/api/" + org.slug() + "/fs/shared/file?path=secret.txt").status()).isEqualTo(401);
    assertThat(put(anonymous, org.slug(), "shared", "x.txt", utf8("x"), Map.of()).status()).isEqualTo(401);
    assertThat(anonymous.get("/api/" + org.slug() + "/fs/shared/changes").status()).isEqualTo(401);
    var foreign = intruder.api();
    assertThat(foreign.get("/api/" + org.slug() + "/fs/shared/list").status()).isEqualTo(403);
    assertThat(foreign.get("/api/" + org.slug() + "/fs/shared/file?path=secret.txt").status()).isEqualTo(403);
    assertThat(put(foreign, org.slug(), "shared", "x.txt", utf8("x"), Map.of()).status()).isEqualTo(403);
    assertThat(foreign.delete("/api/" + org.slug() + "/fs/shared/file?path=secret.txt").status()).isEqualTo(403);
    assertThat(foreign.get("/api/" + org.slug() + "/fs/shared/changes").status()).isEqualTo(403);
    assertThat(foreign.get("/api/" + org.slug() + "/fs/shared/changes").at("/error/code")).isEqualTo("forbidden");
  }

  @Test
  void changesLongPollIsWokenByAWriteOnAnotherProcess() throws Exception {
    var org = org();
    var onFirst = org.api().at(first.port());
    var onSecond = org.api().at(second.port());
    put(onFirst, org.slug(), "shared", "before.txt", utf8("b"), Map.of());
    long cursor = onSecond.get("/api/" + org.slug() + "/fs/shared/list").json().get("cursor").asLong();
    assertThat(cursor).isPositive();
    // Nothing new yet, nothing is waiting: an immediate answer without wait.
    var now = onSecond.get("/api/" + org.slug() + "/fs/shared/changes?since=" + cursor);
    assertThat(now.json().get("changes")).isEmpty();

    long started = System.nanoTime();
    var waiting = CompletableFuture.supplyAsync(() -> onSecond.get("/api/" + org.slug() + "/fs/shared/changes?wait=1&since=" + cursor));
    Thread.sleep(500);
    assertThat(waiting).isNotDone();
    // A change to another volume does not answer the waiter with it.
    put(onFirst, org.slug(), "elsewhere", "x.txt", utf8("x"), Map.of());
    String etag = put(onFirst, org.slug(), "shared", "after.txt", utf8("a"), Map.of()).header("ETag");
    var answer = waiting.get(10, TimeUnit.SECONDS);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(tookMillis).isLessThan(5_000);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("changes").findValuesAsText("path")).containsExactly("after.txt");
    assertThat(answer.json().get("changes").get(0).get("etag").asText()).isEqualTo(etag);
    assertThat(answer.json().get("changes").get(0).get("kind").asText()).isEqualTo("write");
    long next = answer.json().get("cursor").asLong();
    assertThat(next).isGreaterThan(cursor);

    onFirst.delete("/api/" + org.slug() + "/fs/shared/file?path=after.txt");
    var deleted = onSecond.get("/api/" + org.slug() + "/fs/shared/changes?wait=1&since=" + next);
    assertThat(deleted.json().get("changes").findValuesAsText("kind")).containsExactly("delete");
    assertThat(deleted.json().get("changes").findValuesAsText("path")).containsExactly("after.txt");
  }

  @Test
  void stoppingAnApiProcessAnswersItsLongPolls() throws Exception {
    var org = org();
    var third = platform.start(Role.api);
    var onThird = org.api().at(third.port());
    long cursor = onThird.get("/api/" + org.slug() + "/fs/shared/list").json().get("cursor").asLong();
    var waiting = CompletableFuture.supplyAsync(() -> onThird.get("/api/" + org.slug() + "/fs/shared/changes?wait=1&since=" + cursor));
    Thread.sleep(500);
    assertThat(waiting).isNotDone();
    long started = System.nanoTime();
    // The wait is 20 s; the grace is 1 s: the poll must be let go, not cut off or waited for.
    third.close();
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
    var answer = waiting.get(5, TimeUnit.SECONDS);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("changes")).isEmpty();
    assertThat(answer.json().get("cursor").asLong()).isEqualTo(cursor);
  }
}
