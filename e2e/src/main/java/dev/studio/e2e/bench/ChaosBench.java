package dev.studio.e2e.bench;

import dev.studio.runtime.Role;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.RuntimeProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Chaos: an api and two worker processes; runs are posted steadily while, every few seconds, one
 * of the workers is killed with SIGKILL (no shutdown, no clean-up) and a fresh one takes its place.
 * Half the runs call {@code remember}, a tool with a side effect that must never happen twice; the
 * other half stream a slow answer (a long model step). Afterwards, from PostgreSQL (the system of
 * record) and from every event published to JetStream:
 *
 * <ul>
 *   <li>lost runs: accepted (202) but never ended;
 *   <li>side effects done twice: runs with more than one note;
 *   <li>runs without a terminal event on their stream.
 * </ul>
 *
 * Each goal is 0. A run killed inside {@code remember} ends {@code interrupted} (it cannot know if
 * the note was written), which is an honest end, not a loss.
 */
public final class ChaosBench implements Benchmark {
  static final int RUNS = Integer.getInteger("bench.chaos.runs", 1200);
  static final int PER_SECOND = Integer.getInteger("bench.chaos.perSecond", 50);
  static final int KILL_EVERY_SECONDS = Integer.getInteger("bench.chaos.killEverySeconds", 3);
  static final int THREADS = 300;
  static final Map<String, String> WORKER = Map.of("STUDIO_MAX_CONCURRENT_RUNS", "32");

  @Override
  public String name() {
    return "chaos";
  }

  @Override
  public Report run() throws Exception {
    var report = new Report(name());
    try (var platform = Platform.create(Map.of("STUDIO_RUN_LEASE_SECONDS", "3"));
        var events = new RunEvents(StreamBench.NATS)) {
      var api = platform.process(Role.api, Map.of(), List.of("-Xmx512m"));
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      List<String> threads = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        threads.add(Platform.thread(admin, org));
      }
      // Every worker ever started, killed ones too: their logs are read at the end.
      var everyWorker = new CopyOnWriteArrayList<RuntimeProcess>();
      Supplier<RuntimeProcess> startWorker = () -> {
        var worker = platform.worker(WORKER);
        everyWorker.add(worker);
        return worker;
      };
      var workers = new AtomicReferenceArray<RuntimeProcess>(new RuntimeProcess[] {startWorker.get(), startWorker.get()});

      System.out.println("chaos: posting " + RUNS + " runs at " + PER_SECOND + "/s, killing a worker every "
          + KILL_EVERY_SECONDS + " s");
      var accepted = new ConcurrentLinkedQueue<String>();
      var refused = new AtomicInteger();
      int kills = 0;
      long interval = TimeUnit.SECONDS.toNanos(1) / PER_SECOND;
      long start = System.nanoTime();
      long nextKill = start + TimeUnit.SECONDS.toNanos(KILL_EVERY_SECONDS);
      try (var posters = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < RUNS; i++) {
          long now = System.nanoTime();
          if (now >= nextKill) {
            // Kill one (alternately), and start its replacement while the survivor carries on.
            int victim = kills % 2;
            workers.get(victim).kill();
            kills++;
            posters.submit(() -> workers.set(victim, startWorker.get()));
            nextKill = now + TimeUnit.SECONDS.toNanos(KILL_EVERY_SECONDS);
          }
          long wait = start + i * interval - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          String thread = threads.get(i % THREADS);
          String text = i % 2 == 0
              ? "/tool remember {\"text\": \"chaos " + i + "\", \"delayMillis\": 300}"
              : "/slow 40 a slow answer streamed word by word while workers die " + i;
          posters.submit(() -> post(admin, org, thread, text, accepted, refused));
        }
      }
      // One more kill once the last runs are in, so some of them are caught too.
      workers.get(kills % 2).kill();
      kills++;
      workers.set((kills - 1) % 2, startWorker.get());

      List<String> runs = new ArrayList<>(accepted);
      System.out.println("chaos: " + runs.size() + " runs accepted; waiting for all to end");
      try (Connection db = DriverManager.getConnection(platform.database().jdbcUrl())) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (unfinished(db, runs) > 0 && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        // Let the last terminal events come through the stream.
        long eventsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (events.ended(runs) < runs.size() && System.nanoTime() < eventsDeadline) {
          Thread.sleep(200);
        }
        Thread.sleep(1000);

        long lost = unfinished(db, runs) + (runs.size() - rows(db, runs));
        long twice = scalar(db, "select count(*) from (select run_id from notes where run_id = any(?::uuid[])"
            + " group by run_id having count(*) > 1) doubled", runs);
        long missingEffect = scalar(db, "select count(*) from runs r where r.id = any(?::uuid[]) and r.state = 'completed'"
            + " and exists (select 1 from messages m where m.run_id = r.id and m.role = 'user' and m.text like '/tool remember%')"
            + " and not exists (select 1 from notes n where n.run_id = r.id)", runs);
        long withoutTerminal = runs.stream().filter(run -> events.terminalEvents(run) == 0).count();
        long extraTerminal = runs.stream().filter(run -> events.terminalEvents(run) > 1).count();

        report.figure("runs accepted", "count", runs.size(), ">= 1000", runs.size() >= 1000);
        report.figure("  posts refused or failed", "count", refused.get(), "(for reading)", true);
        report.figure("workers SIGKILLed", "count", kills, ">= 5", kills >= 5);
        report.figure("lost runs (accepted, never ended)", "count", lost, "0", lost == 0);
        report.figure("side-effecting tool executed twice", "count", twice, "0", twice == 0);
        report.figure("runs without a terminal event on their stream", "count", withoutTerminal, "0", withoutTerminal == 0);
        report.figure("  runs with more than one terminal event", "count", extraTerminal, "0", extraTerminal == 0);
        report.figure("  completed tool runs whose side effect is missing", "count", missingEffect, "0", missingEffect == 0);
        long heldByEnded = threadsHandedOnBySweeper(everyWorker);
        report.figure("  threads the sweeper found held by an ended run", "count", heldByEnded, "(for reading)", true);
        states(db, runs).forEach((state, count) -> report.note("runs " + state, count));
        report.note("lease", "3 s (a dead worker's runs are picked up after it lapses)");
      }
    }
    return report;
  }

  private static void post(Api admin, String org, String thread, String text, ConcurrentLinkedQueue<String> accepted,
      AtomicInteger refused) {
    try {
      accepted.add(Platform.post(admin, org, thread, text));
    } catch (Throwable e) {
      refused.incrementAndGet();
    }
  }

  private static long unfinished(Connection db, List<String> runs) throws SQLException {
    return scalar(db, "select count(*) from runs where id = any(?::uuid[]) and state in ('queued', 'running')", runs);
  }

  private static long rows(Connection db, List<String> runs) throws SQLException {
    return scalar(db, "select count(*) from runs where id = any(?::uuid[])", runs);
  }

  private static long scalar(Connection db, String sql, List<String> runs) throws SQLException {
    try (var query = db.prepareStatement(sql)) {
      query.setArray(1, db.createArrayOf("text", runs.toArray()));
      try (var rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static Map<String, Long> states(Connection db, List<String> runs) throws SQLException {
    var states = new TreeMap<String, Long>();
    try (var query = db.prepareStatement("select state, count(*) from runs where id = any(?::uuid[]) group by state")) {
      query.setArray(1, db.createArrayOf("text", runs.toArray()));
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          states.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return states;
  }

  /**
   * Threads whose Redis holder was a run that had already ended, as the sweeper reports them when
   * it hands them on (the repair of last resort; each one kept its thread's next run waiting for
   * up to a sweep).
   */
  private static long threadsHandedOnBySweeper(List<RuntimeProcess> workers) {
    var line = java.util.regex.Pattern.compile("sweeper handed on (\\d+) threads");
    long total = 0;
    for (RuntimeProcess worker : workers) {
      for (String logged : worker.log()) {
        var found = line.matcher(logged);
        if (found.find()) {
          total += Long.parseLong(found.group(1));
        }
      }
    }
    return total;
  }
}
