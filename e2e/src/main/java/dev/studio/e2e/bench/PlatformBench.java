package dev.studio.e2e.bench;

import dev.studio.e2e.process.ProcessPlatform;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Process mode (the real operator on the mock API server, every pod a local process): a
 * StudioDeployment applied → the platform Ready (web, api and worker processes started, their
 * probes answering), and then a first message posted through the web tier → its first event on
 * the thread's stream (and its first piece of answer), over {@code bench.platform.rounds} fresh
 * platforms. For reading: no goal is set for these.
 */
public final class PlatformBench implements Benchmark {
  static final int ROUNDS = Integer.getInteger("bench.platform.rounds", 3);

  @Override
  public String name() {
    return "platform";
  }

  @Override
  public Report run() throws Exception {
    List<Double> ready = new ArrayList<>();
    List<Double> firstEvent = new ArrayList<>();
    List<Double> firstDelta = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      System.out.println("platform: round " + round + " of " + ROUNDS);
      round(ready, firstEvent, firstDelta);
    }
    var report = new Report(name());
    report.distribution("StudioDeployment applied -> Ready (1 web, 1 api, 1 worker process)", "ms", Stats.of(ready), "(for reading)", true);
    report.distribution("first message posted -> its first event on the stream (through the web tier)", "ms", Stats.of(firstEvent),
        "(for reading)", true);
    report.distribution("first message posted -> its first piece of answer", "ms", Stats.of(firstDelta), "(for reading)", true);
    report.note("rounds", ROUNDS + " fresh platforms (database, mock API server, operator, processes)");
    report.note("machine", Runtime.getRuntime().availableProcessors() + " cores; JVM start-up dominates Ready");
    return report;
  }

  private static void round(List<Double> ready, List<Double> firstEvent, List<Double> firstDelta) throws Exception {
    try (var platform = ProcessPlatform.start("bench")) {
      long applied = System.nanoTime();
      platform.apply("{replicas: 1}");
      long deadline = applied + Duration.ofMinutes(5).toNanos();
      while (!platform.ready()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the platform did not turn Ready in 5 minutes: " + platform.kubelet.problems(platform.name + "-web"));
        }
        Thread.sleep(20);
      }
      ready.add((System.nanoTime() - applied) / 1e6);

      String token = platform.adminToken();
      var admin = new Api("http://127.0.0.1:" + platform.webPort(), token);
      String org = Platform.org(admin);
      String thread = Platform.thread(admin, org);
      try (var stream = SseClient.open(admin.base(), "/api/" + org + "/threads/" + thread + "/stream", token)) {
        long posted = System.nanoTime();
        Platform.post(admin, org, thread, "hello");
        boolean first = true;
        while (true) {
          var event = stream.next();
          if (event == null) {
            throw new IllegalStateException("the stream ended before the answer");
          }
          if (first) {
            firstEvent.add((event.receivedNanos() - posted) / 1e6);
            first = false;
          }
          if ("message.delta".equals(event.type())) {
            firstDelta.add((event.receivedNanos() - posted) / 1e6);
            break;
          }
        }
      }
    }
  }
}
