package dev.studio.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.runtime.Role;
import dev.studio.runtime.bundle.TestBundles;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.RuntimeProcess;
import dev.studio.runtime.testing.S3Server;
import io.nats.client.Nats;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bundle reloads on one api and {@value #WORKERS} worker processes (separate JVMs; the local
 * PostgreSQL, Redis and NATS; S3 through s3proxy), fed through the api's internal routes exactly
 * as the operator feeds them (docs/bundles.md):
 *
 * <ol>
 *   <li>a new revision's settings put (the operator then writes status.resolvedRevision) → the new
 *       revision serving on every worker, as the workers' heartbeats report it to the api; goal
 *       p50 ≤ 1 s; a NATS round trip is measured beside it for scale;
 *   <li>reloads every {@value #RELOAD_EVERY_SECONDS} s while {@code bench.bundles.rate} (200) runs/s
 *       name the bundle; goal: zero failed runs.
 * </ol>
 */
public final class BundleBench implements Benchmark {
  static final int WORKERS = 2;
  static final int RELOADS = Integer.getInteger("bench.bundles.reloads", 20);
  static final int RATE = Integer.getInteger("bench.bundles.rate", 200);
  static final Duration LOAD_FOR = Duration.ofSeconds(Integer.getInteger("bench.bundles.loadSeconds", 30));
  static final int RELOAD_EVERY_SECONDS = 3;
  static final String BUNDLE = "word-tools";

  @Override
  public String name() {
    return "bundles";
  }

  @Override
  public Report run() throws Exception {
    var report = new Report(name());
    var nats = Stats.of(natsRoundTrips(2000));
    report.distribution("NATS request/reply round trip, baseline", "ms", nats, "(baseline)", true);
    byte[] zip = TestBundles.wordTools();
    try (var s3 = S3Server.start(); var platform = Platform.create(new HashMap<>(s3.env()))) {
      var api = platform.process(Role.api, Map.of(), List.of("-Xmx512m"));
      List<RuntimeProcess> workers = new ArrayList<>();
      for (int i = 0; i < WORKERS; i++) {
        workers.add(platform.process(Role.worker, Map.of("STUDIO_MAX_CONCURRENT_RUNS", "32"), List.of("-Xmx512m")));
      }
      var admin = platform.admin(api);
      var deployer = new Deployer(admin, zip);

      System.out.println("bundles: " + RELOADS + " reloads, each timed until every worker serves it");
      deployer.deploy(); // the first load, not timed
      List<Double> reloads = new ArrayList<>();
      for (int i = 0; i < RELOADS; i++) {
        reloads.add(deployer.deploy());
      }
      var reload = Stats.of(reloads);
      report.distribution("settings put -> new revision serving on all " + WORKERS + " workers", "ms", reload, "p50 <= 1000",
          reload.p50() <= 1000);
      report.figure("  ratio p50 / NATS round trip p50", "x", reload.p50() / nats.p50(), "(for reading)", true);

      System.out.println("bundles: " + RATE + " runs/s for " + LOAD_FOR.toSeconds() + " s, reloading every "
          + RELOAD_EVERY_SECONDS + " s");
      String org = Platform.org(admin);
      List<String> threads = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        threads.add(Platform.thread(admin, org));
      }
      var underLoad = underLoad(admin, org, threads, deployer);
      try (var db = DriverManager.getConnection(platform.database().jdbcUrl())) {
        try {
          RunsBench.awaitDrained(db, Duration.ofMinutes(3));
        } catch (IllegalStateException e) {
          dumpThreads(workers);
          try (var rows = db.createStatement().executeQuery("select id, thread_id, seq, state, attempt, worker, created_at, started_at "
              + "from runs where state in ('queued', 'running') order by created_at")) {
            while (rows.next()) {
              System.err.println("unfinished: " + rows.getString(1) + " thread " + rows.getString(2) + " seq " + rows.getLong(3) + " "
                  + rows.getString(4) + " attempt " + rows.getInt(5) + " worker " + rows.getString(6) + " created "
                  + rows.getTimestamp(7) + " started " + rows.getTimestamp(8));
            }
          }
          try (var rows = db.createStatement().executeQuery("select r.thread_id, r.seq, r.state, r.error, r.attempt, r.worker, "
              + "r.created_at, r.started_at, r.finished_at, r.id from runs r where r.thread_id in (select thread_id from runs where "
              + "state = 'queued' limit 2) order by r.thread_id, r.seq");
              var redis = io.lettuce.core.RedisClient.create("redis://127.0.0.1:6379"); var connection = redis.connect()) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (rows.next()) {
              System.err.println("thread " + rows.getString(1) + " seq " + rows.getLong(2) + " " + rows.getString(3) + " error "
                  + rows.getString(4) + " attempt " + rows.getInt(5) + " worker " + rows.getString(6) + " created "
                  + rows.getTimestamp(7) + " started " + rows.getTimestamp(8) + " finished " + rows.getTimestamp(9) + " id "
                  + rows.getString(10));
              if (seen.add(rows.getString(1))) {
                for (String key : connection.sync().keys("*" + rows.getString(1) + "*")) {
                  String type = connection.sync().type(key);
                  System.err.println("  redis " + key + " (" + type + "): "
                      + (type.equals("list") ? connection.sync().lrange(key, 0, -1) : connection.sync().get(key)));
                  if (key.endsWith(":active")) {
                    String activeRun = connection.sync().get(key);
                    for (String k : connection.sync().keys("*" + activeRun + "*")) {
                      System.err.println("  redis (active run) " + k + " " + connection.sync().type(k));
                    }
                    for (String k : connection.sync().keys("*known*")) {
                      System.err.println("  known has it: " + connection.sync().sismember(k, activeRun));
                    }
                  }
                }
              }
            }
          }
          throw e;
        }
        Map<String, Integer> states = new HashMap<>();
        try (var query = db.prepareStatement("select state, count(*) from runs where id = any(?) group by state")) {
          query.setArray(1, db.createArrayOf("uuid", underLoad.accepted().toArray()));
          try (var rows = query.executeQuery()) {
            while (rows.next()) {
              states.put(rows.getString(1), rows.getInt(2));
            }
          }
        }
        int revisions;
        try (var query = db.prepareStatement("select count(distinct substr(m.text, 1, 9)) from messages m join runs r on r.id = m.run_id "
            + "where r.id = any(?) and m.role = 'assistant'")) {
          query.setArray(1, db.createArrayOf("uuid", underLoad.accepted().toArray()));
          try (var rows = query.executeQuery()) {
            rows.next();
            revisions = rows.getInt(1);
          }
        }
        int failed = underLoad.accepted().size() - states.getOrDefault("completed", 0);
        report.figure("runs failed (not completed) across reloads", "count", failed, "0", failed == 0);
        report.figure("  runs posted and accepted", "count", underLoad.accepted().size(), "(for reading)", true);
        report.figure("  posts refused", "count", underLoad.refused(), "0", underLoad.refused() == 0);
        report.figure("  reloads during the load", "count", underLoad.reloads(), "(for reading)", true);
        report.figure("  revisions that answered runs", "count", revisions, "> 1", revisions > 1);
        report.note("run states", states.toString());
      }
      report.note("machine", Runtime.getRuntime().availableProcessors()
          + " cores shared by PostgreSQL, Redis, NATS, s3proxy, the api, the workers and the load generator");
    }
    return report;
  }

  /** What the workers were doing when runs would not finish. */
  private static void dumpThreads(List<RuntimeProcess> workers) {
    for (var worker : workers) {
      try {
        var dump = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(worker.pid()), "Thread.print").redirectErrorStream(true).start();
        System.err.println("--- threads of worker " + worker.pid());
        System.err.println(new String(dump.getInputStream().readAllBytes()));
      } catch (Exception e) {
        System.err.println("no thread dump of " + worker.pid() + ": " + e.getMessage());
      }
      var log = worker.log();
      System.err.println("--- last lines of its log");
      log.subList(Math.max(0, log.size() - 40), log.size()).forEach(System.err::println);
    }
  }

  record UnderLoad(List<UUID> accepted, int refused, int reloads) {}

  private static UnderLoad underLoad(Api admin, String org, List<String> threads, Deployer deployer) throws Exception {
    var accepted = new ConcurrentLinkedQueue<UUID>();
    var refused = new AtomicInteger();
    var next = new AtomicLong();
    int reloads = 0;
    try (var http = new KeepAliveHttp(admin.base(), 32); var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
      long start = System.nanoTime();
      long total = LOAD_FOR.toSeconds() * RATE;
      long nextReload = start + TimeUnit.SECONDS.toNanos(RELOAD_EVERY_SECONDS);
      for (long i = 0; i < total; i++) {
        long wait = start + i * interval - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        if (System.nanoTime() >= nextReload) {
          nextReload += TimeUnit.SECONDS.toNanos(RELOAD_EVERY_SECONDS);
          executor.submit(() -> {
            try {
              deployer.deploy();
            } catch (Exception e) {
              System.err.println("bundles: a reload failed: " + e.getMessage());
            }
          });
          reloads++;
        }
        executor.submit(() -> {
          String thread = threads.get((int) Math.floorMod(next.getAndIncrement(), (long) threads.size()));
          try {
            var response = http.post("/api/" + org + "/threads/" + thread + "/messages", Platform.ADMIN,
                "{\"text\": \"count these four words\", \"bundle\": \"" + BUNDLE + "\"}");
            if (response.status() != 202) {
              refused.incrementAndGet();
              return;
            }
            int at = response.body().indexOf("\"runId\":\"");
            accepted.add(UUID.fromString(response.body().substring(at + 9, at + 45)));
          } catch (Exception e) {
            refused.incrementAndGet();
          }
        });
      }
    }
    return new UnderLoad(new ArrayList<>(accepted), refused.get(), reloads);
  }

  /** Deploys new revisions of the bundle the way the operator does: upload, then put the settings. */
  static final class Deployer {
    private final Api admin;
    private final byte[] zip;
    private final AtomicInteger revisions = new AtomicInteger();

    Deployer(Api admin, byte[] zip) {
      this.admin = admin;
      this.zip = zip;
    }

    /** Returns the milliseconds from the settings put to every worker serving the revision. */
    synchronized double deploy() throws InterruptedException {
      String revision = HexFormat.of().formatHex(UUID.randomUUID().toString().replace("-", "").getBytes()).substring(0, 40);
      String artifact = BUNDLE + "__main__" + revision.substring(0, 12);
      var uploaded = admin.send("PUT", "/api/internal/bundles/" + BUNDLE + "/artifacts/" + artifact + "?revision=" + revision, zip,
          Map.of());
      if (uploaded.status() != 201) {
        throw new IllegalStateException("upload refused: " + uploaded.text());
      }
      long start = System.nanoTime();
      var put = admin.send("PUT", "/api/internal/bundles/" + BUNDLE,
          Api.json(Map.of("artifact", artifact, "ref", "main", "kind", "Jvm")).getBytes(), Map.of());
      if (put.status() != 200) {
        throw new IllegalStateException("settings refused: " + put.text());
      }
      long deadline = start + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (JsonNode bundle : admin.get("/api/internal/bundles").json().path("bundles")) {
          if (bundle.path("artifact").asText().equals(artifact) && bundle.path("loadedBy").asInt() >= WORKERS) {
            revisions.incrementAndGet();
            return (System.nanoTime() - start) / 1e6;
          }
        }
        Thread.sleep(2);
      }
      throw new IllegalStateException("revision " + revision + " was not served by every worker within 30 s");
    }
  }

  static List<Double> natsRoundTrips(int samples) throws Exception {
    try (var connection = Nats.connect("nats://127.0.0.1:4222")) {
      String subject = "bench.bundles.echo." + UUID.randomUUID();
      var dispatcher = connection.createDispatcher(m -> connection.publish(m.getReplyTo(), m.getData()));
      dispatcher.subscribe(subject);
      connection.flush(Duration.ofSeconds(2));
      List<Double> rtts = new ArrayList<>();
      for (int i = 0; i < samples + 200; i++) {
        long start = System.nanoTime();
        connection.request(subject, new byte[8], Duration.ofSeconds(2));
        if (i >= 200) {
          rtts.add((System.nanoTime() - start) / 1e6);
        }
      }
      return rtts;
    }
  }
}
