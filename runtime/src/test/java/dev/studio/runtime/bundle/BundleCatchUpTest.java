package dev.studio.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.studio.runtime.Role;
import dev.studio.runtime.StudioRuntime;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.PrivateServers;
import dev.studio.runtime.testing.S3Server;
import java.lang.ref.WeakReference;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker must not drift from the record: an announcement lost while NATS was away is made up
 * for by reading every bundle again after the reconnect. And a revision a worker stops serving is
 * let go of, class loader and all, once its last turn ends.
 */
class BundleCatchUpTest {
  static S3Server s3;
  static PrivateServers.Nats nats;
  static Platform platform;
  static StudioRuntime api;
  static StudioRuntime worker;
  static Api admin;

  @BeforeAll
  static void start() {
    s3 = S3Server.start();
    nats = new PrivateServers.Nats();
    var env = new HashMap<>(s3.env());
    env.put("NATS_URL", nats.url());
    platform = Platform.create(env);
    api = platform.start(Role.api);
    worker = platform.start(Role.worker);
    admin = platform.admin(api);
  }

  @AfterAll
  static void stop() {
    platform.close();
    nats.close();
    s3.close();
  }

  static void upload(String bundle, char revision) {
    String rev = String.valueOf(revision).repeat(40);
    var response = admin.send("PUT", "/api/internal/bundles/" + bundle + "/artifacts/" + bundle + "__main__" + rev.substring(0, 12)
        + "?revision=" + rev, TestBundles.wordTools(), Map.of());
    assertThat(response.status()).as(response.text()).isIn(200, 201);
  }

  static void put(String bundle, char revision) {
    String rev = String.valueOf(revision).repeat(40);
    var response = admin.send("PUT", "/api/internal/bundles/" + bundle,
        Api.json(Map.of("artifact", bundle + "__main__" + rev.substring(0, 12))).getBytes(), Map.of());
    assertThat(response.status()).as(response.text()).isEqualTo(200);
  }

  static String served(String bundle) {
    return worker.bundles().orElseThrow().registry().settings(bundle).map(BundleRecord::revision).orElse(null);
  }

  @Test
  void aChangeMissedWhileNatsWasAwayIsPickedUpAfterTheReconnect() throws Exception {
    upload("drift", 'a');
    upload("drift", 'b');
    put("drift", 'a');
    await().atMost(Duration.ofSeconds(10)).until(() -> "a".repeat(40).equals(served("drift")));

    nats.stop();
    // The change lands in the record while no announcement can reach anyone.
    try (var db = DriverManager.getConnection(platform.database().jdbcUrl(), "postgres", "");
        var update = db.prepareStatement("update bundles set revision = ?, artifact = ? where name = 'drift'")) {
      update.setString(1, "b".repeat(40));
      update.setString(2, "drift__main__" + "b".repeat(12));
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
    Thread.sleep(500);
    assertThat(served("drift")).isEqualTo("a".repeat(40));
    nats.restart();
    await().atMost(Duration.ofSeconds(20)).until(() -> "b".repeat(40).equals(served("drift")));
  }

  @Test
  void aRevisionIsReleasedWhenItsLastTurnEnds() {
    upload("release", 'c');
    upload("release", 'd');
    put("release", 'c');
    var registry = worker.bundles().orElseThrow().registry();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.settings("release").isPresent());

    var turn = registry.lease("release").orElseThrow(); // a turn running on c
    var old = (JvmBundle) turn.bundle();
    put("release", 'd');
    await().atMost(Duration.ofSeconds(10)).until(() -> "d".repeat(40).equals(served("release")));
    assertThat(old.closed()).as("still serving its turn").isFalse();
    turn.close();
    assertThat(old.closed()).as("its last turn ended").isTrue();

    // Nothing holds the old class loader any more: the collector can take it.
    var loader = new WeakReference<>(old.operation("count").orElseThrow().getClass().getClassLoader());
    old = null;
    turn = null;
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      System.gc();
      return loader.get() == null;
    });
  }
}
