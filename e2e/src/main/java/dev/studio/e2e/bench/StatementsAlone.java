package dev.studio.e2e.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.studio.runtime.datastore.Postgres;
import dev.studio.runtime.datastore.PostgresUrl;
import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.store.RunStore;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The database's ceiling: a run's PostgreSQL statements alone (post, start, completion, the record
 * of its published end), through the same {@link RunStore} the api and the worker use, from loops
 * in the bench's own JVM, with no HTTP, Redis, NATS or agent loop in between. What this reaches on
 * a host bounds what the platform can reach there, whatever the rest costs.
 */
final class StatementsAlone {
  /** Runs a second through the statements, and the CPU per run of PostgreSQL and of the JVM driving it. */
  record Result(double runsPerSecond, double postgresCpuPerRun, double driverCpuPerRun) {}

  // As the dev model's answer to "load", and the record the agent loop keeps of that step.
  private static final String ANSWER = "Echo: load";
  private static final String STEP_OUTPUT = "{\"text\":\"Echo: load\",\"toolCalls\":[],\"stopReason\":\"end_turn\"}";

  private static final OperatingSystemMXBean DRIVER = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private StatementsAlone() {}

  /**
   * Keeps {@code loops} runs going through their statements for {@code duration} after a warm-up,
   * on the threads given (round-robin), with a pool of {@code poolSize} connections.
   */
  static Result measure(String jdbcUrl, UUID org, List<UUID> threads, int loops, int poolSize, Duration warmUp,
      Duration duration) throws Exception {
    var cpu = new RunsBench.ProcessCpu(Map.of(), List.of("postgres"));
    try (var postgres = new Postgres(new PostgresUrl(jdbcUrl, Optional.empty(), Optional.empty()), "bench-statements-alone",
        poolSize)) {
      var store = new RunStore(postgres);
      var completed = new AtomicLong();
      var next = new AtomicLong();
      var stop = new AtomicBoolean();
      var ended = new ConcurrentLinkedQueue<UUID>();
      try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < loops; i++) {
          executor.submit(() -> {
            while (!stop.get()) {
              UUID thread = threads.get((int) Math.floorMod(next.getAndIncrement(), (long) threads.size()));
              var run = store.post(org, thread, "load", Lane.privileged, null, 50).orElseThrow().run();
              var started = store.start(run.id(), "statements-alone", "dev/echo").orElseThrow().run();
              if (store.complete(run.id(), started.attempt(), 0, STEP_OUTPUT, ANSWER)) {
                ended.add(run.id());
                completed.incrementAndGet();
              }
            }
            return null;
          });
        }
        // The worker records acknowledged ends in batches, as NATS acknowledges them: so here.
        executor.submit(() -> {
          while (!stop.get() || !ended.isEmpty()) {
            List<UUID> batch = new ArrayList<>();
            for (UUID run; batch.size() < 256 && (run = ended.poll()) != null; ) {
              batch.add(run);
            }
            if (batch.isEmpty()) {
              Thread.sleep(2);
            } else {
              store.endsPublished(batch);
            }
          }
          return null;
        });
        Thread.sleep(warmUp.toMillis());
        var before = cpu.sample();
        long driverBefore = DRIVER.getProcessCpuTime();
        long from = completed.get();
        long start = System.nanoTime();
        Thread.sleep(duration.toMillis());
        long runs = completed.get() - from;
        double seconds = (System.nanoTime() - start) / 1e9;
        var after = cpu.sample();
        double driver = (DRIVER.getProcessCpuTime() - driverBefore) / 1e6 / runs;
        stop.set(true);
        return new Result(runs / seconds, cpu.perRun(before, after, runs).getOrDefault("postgres", Double.NaN), driver);
      }
    }
  }
}
