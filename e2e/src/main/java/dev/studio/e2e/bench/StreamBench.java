package dev.studio.e2e.bench;

import dev.studio.runtime.Role;
import dev.studio.runtime.stream.Streams;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.RuntimeProcess;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live output, from where a worker publishes an event to where a browser's SSE connection reads
 * it, through one api process (a separate JVM) and the local NATS:
 *
 * <ol>
 *   <li>latency, one event at a time, publish (to JetStream, as workers do) → SSE receipt, against
 *       a raw NATS publish → receive measured in the same run (goal: p50 ≤ 3×);
 *   <li>fan-out: 10,000 SSE clients on one thread of one api process; an event published once must
 *       reach all of them within 1 s, and the api's heap stay within 1 GiB;
 *   <li>a late viewer: a client opening a long, finished thread from its start, against a raw
 *       JetStream consumer reading the same events (for reading: the issue sets no goal).
 * </ol>
 */
public final class StreamBench implements Benchmark {
  static final int SAMPLES = Integer.getInteger("bench.stream.samples", 5000);
  static final int ROUNDS = 5;
  static final int WARM_UP = Integer.getInteger("bench.stream.warmUp", 20_000);
  static final int CLIENTS = Integer.getInteger("bench.stream.clients", 10_000);
  static final int BROADCASTS = Integer.getInteger("bench.stream.broadcasts", 10);
  static final String NATS = "nats://127.0.0.1:4222";
  static final int LONG_THREAD = Integer.getInteger("bench.stream.longThread", 20_000);

  @Override
  public String name() {
    return "stream";
  }

  @Override
  public Report run() throws Exception {
    var report = new Report(name());
    try (var platform = Platform.create(Map.of("STUDIO_MAX_STREAM_CLIENTS", String.valueOf(CLIENTS + 100)));
        var nats = Nats.connect(NATS);
        var receiving = Nats.connect(NATS)) {
      var api = platform.process(Role.api, Map.of(), List.of("-Xmx1g"));
      var admin = platform.admin(api);
      String org = Platform.org(admin);

      // Side by side: the three paths take turns, round after round, so a busy moment of the
      // machine weighs on each alike; and only after a warm-up that lets the api's JIT compile the
      // path (measured after 200 events, C2 was still at work in the api).
      System.out.println("stream: warming up");
      publishToSse(nats.jetStream(), admin.base(), org, Platform.thread(admin, org), WARM_UP, 0);
      System.out.println("stream: raw NATS, raw JetStream and publish -> SSE, one event at a time, in " + ROUNDS + " rounds");
      List<Double> raw = new ArrayList<>();
      List<Double> jetStream = new ArrayList<>();
      List<Double> republished = new ArrayList<>();
      List<Double> sse = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        raw.addAll(rawNats(nats, receiving, SAMPLES / ROUNDS));
        jetStream.addAll(rawJetStream(nats, receiving, SAMPLES / ROUNDS));
        republished.addAll(rawRepublish(nats, receiving, SAMPLES / ROUNDS));
        // A thread of its own each round: a new viewer of a thread is first sent what it already has.
        sse.addAll(publishToSse(nats.jetStream(), admin.base(), org, Platform.thread(admin, org), SAMPLES / ROUNDS, 100));
      }
      var rawStats = Stats.of(raw);
      var rawJetStream = Stats.of(jetStream);
      var rawRepublish = Stats.of(republished);
      var sseStats = Stats.of(sse);
      report.distribution("raw NATS publish -> receive (core, two connections), baseline", "ms", rawStats, "(baseline)", true);
      report.distribution("raw JetStream publish -> ordered consumer receive, for reading", "ms", rawJetStream,
          "(baseline)", true);
      report.distribution("raw JetStream publish -> RePublish to a core subscriber, for reading", "ms", rawRepublish,
          "(baseline)", true);
      report.figure("  its ratio p50 / raw NATS p50 (no JetStream live path is faster)", "x",
          rawRepublish.p50() / rawStats.p50(), "(for reading)", true);
      report.distribution("worker publish -> SSE client receipt", "ms", sseStats, "p50 <= 3x raw NATS",
          sseStats.p50() <= 3 * rawStats.p50());
      report.figure("  ratio p50 / raw NATS p50", "x", sseStats.p50() / rawStats.p50(), "<= 3", sseStats.p50() <= 3 * rawStats.p50());
      report.figure("  ratio p50 / raw JetStream p50 (the transport workers publish on)", "x",
          sseStats.p50() / rawJetStream.p50(), "(for reading)", true);

      System.out.println("stream: a late viewer of a " + LONG_THREAD + "-event thread, against a raw consumer");
      lateViewer(report, nats, admin, org);

      System.out.println("stream: connecting " + CLIENTS + " SSE clients");
      fanOut(report, nats.jetStream(), api, admin.base(), org, Platform.thread(admin, org));
      report.note("api heap limit", "-Xmx1g");
      report.note("machine", Runtime.getRuntime().availableProcessors()
          + " cores shared by NATS, the api and the load generator (which holds every client)");
    }
    return report;
  }

  /** Core NATS, publisher and subscriber on separate connections, one message at a time. */
  static List<Double> rawNats(Connection publisher, Connection subscriber, int samples) throws Exception {
    String subject = "bench.raw." + UUID.randomUUID();
    BlockingQueue<Long> received = new ArrayBlockingQueue<>(1);
    var dispatcher = subscriber.createDispatcher(message -> received.offer(System.nanoTime()));
    dispatcher.subscribe(subject);
    subscriber.flush(Duration.ofSeconds(5));
    List<Double> latencies = new ArrayList<>(samples);
    for (int i = 0; i < samples + 200; i++) {
      long start = System.nanoTime();
      publisher.publish(subject, ("{\"n\":" + i + "}").getBytes());
      long at = received.poll(5, TimeUnit.SECONDS);
      if (i >= 200) {
        latencies.add((at - start) / 1e6);
      }
    }
    subscriber.closeDispatcher(dispatcher);
    return latencies;
  }

  /**
   * JetStream, as the platform uses it: publish to a thread subject of the events stream, receive
   * on an ordered push consumer, one message at a time.
   */
  static List<Double> rawJetStream(Connection publisher, Connection subscriber, int samples) throws Exception {
    String subject = Streams.SUBJECT_PREFIX + UUID.randomUUID();
    BlockingQueue<Long> received = new ArrayBlockingQueue<>(1);
    var dispatcher = subscriber.createDispatcher();
    var options = io.nats.client.PushSubscribeOptions.builder().stream(Streams.STREAM).ordered(true).build();
    subscriber.jetStream().subscribe(subject, dispatcher, message -> received.offer(System.nanoTime()), true, options);
    var jetStream = publisher.jetStream();
    List<Double> latencies = new ArrayList<>(samples);
    for (int i = 0; i < samples + 200; i++) {
      long start = System.nanoTime();
      jetStream.publishAsync(subject, ("{\"n\":" + i + "}").getBytes());
      long at = received.poll(5, TimeUnit.SECONDS);
      if (i >= 200) {
        latencies.add((at - start) / 1e6);
      }
    }
    subscriber.closeDispatcher(dispatcher);
    return latencies;
  }

  /**
   * The fastest live path JetStream offers that still tells each event's stream sequence (which
   * an SSE id must be, for Last-Event-ID): no consumer at all; the stream republishes each message
   * it stored to a core subject, with the sequence in a header. Published as the consumer baseline
   * above is; on a stream of its own, deleted after.
   */
  static List<Double> rawRepublish(Connection publisher, Connection subscriber, int samples) throws Exception {
    String name = "BENCH_REPUBLISH_" + UUID.randomUUID().toString().replace("-", "");
    String id = UUID.randomUUID().toString();
    var management = publisher.jetStreamManagement();
    management.addStream(StreamConfiguration.builder().name(name).subjects("bench.stored." + id + ".>")
        .storageType(StorageType.File).duplicateWindow(Streams.DUPLICATE_WINDOW)
        .republish(Republish.builder().source("bench.stored." + id + ".>").destination("bench.live." + id + ".>").build())
        .build());
    BlockingQueue<Long> received = new ArrayBlockingQueue<>(1);
    var dispatcher = subscriber.createDispatcher(message -> received.offer(System.nanoTime()));
    dispatcher.subscribe("bench.live." + id + ".>");
    subscriber.flush(Duration.ofSeconds(5));
    var jetStream = publisher.jetStream();
    try {
      List<Double> latencies = new ArrayList<>(samples);
      for (int i = 0; i < samples + 200; i++) {
        long start = System.nanoTime();
        jetStream.publishAsync("bench.stored." + id + ".thread", ("{\"n\":" + i + "}").getBytes()); // as the baseline above
        long at = received.poll(5, TimeUnit.SECONDS);
        if (i >= 200) {
          latencies.add((at - start) / 1e6);
        }
      }
      return latencies;
    } finally {
      subscriber.closeDispatcher(dispatcher);
      management.deleteStream(name);
    }
  }

  /** Publishes to a thread's subject as a worker does, reading each event back from the api's SSE. */
  static List<Double> publishToSse(JetStream jetStream, String base, String org, String thread, int samples, int unmeasured)
      throws Exception {
    try (var client = SseClient.open(base, "/api/" + org + "/threads/" + thread + "/stream", Platform.ADMIN)) {
      List<Double> latencies = new ArrayList<>(samples);
      for (int i = 0; i < samples + unmeasured; i++) {
        long start = System.nanoTime();
        publish(jetStream, thread, i);
        var event = client.next();
        if (event == null || !event.data().contains("\"n\":" + i + ",")) {
          throw new IllegalStateException("expected event " + i + ", got " + event);
        }
        if (i >= unmeasured) {
          latencies.add((event.receivedNanos() - start) / 1e6);
        }
      }
      return latencies;
    }
  }

  private static void publish(JetStream jetStream, String thread, int n) {
    String body = "{\"type\":\"bench.tick\",\"n\":" + n + ",\"threadId\":\"" + thread + "\"}";
    jetStream.publishAsync(Streams.SUBJECT_PREFIX + thread, body.getBytes(),
        PublishOptions.builder().messageId(UUID.randomUUID().toString()).build());
  }

  /**
   * A thread with {@link #LONG_THREAD} events of a run's usual size, finished before anyone looks;
   * then, in turns on a fresh thread each round, a raw ordered consumer and an SSE client at
   * Last-Event-ID 0 (the web app opening the thread) read it all. The api has no feed for the thread
   * yet: it sends the old part from the stream in pages as the client reads, then the recent part
   * its feed read as it opened.
   */
  static void lateViewer(Report report, Connection nats, dev.studio.runtime.testing.Api admin, String org) throws Exception {
    List<Double> raw = new ArrayList<>();
    List<Double> sse = new ArrayList<>();
    String text = "x".repeat(160); // a delta of a few words, with the envelope a worker adds
    for (int round = 0; round < 3; round++) {
      String thread = Platform.thread(admin, org);
      String subject = Streams.SUBJECT_PREFIX + thread;
      var jetStream = nats.jetStream();
      var acks = new ArrayList<java.util.concurrent.CompletableFuture<?>>(LONG_THREAD);
      for (int n = 0; n < LONG_THREAD; n++) {
        acks.add(jetStream.publishAsync(subject, ("{\"type\":\"message.delta\",\"n\":" + n + ",\"text\":\"" + text + "\"}").getBytes()));
      }
      acks.forEach(java.util.concurrent.CompletableFuture::join);
      try {
        raw.add(readAllRaw(nats, subject));
        long start = System.nanoTime();
        int read = 0;
        try (var client = SseClient.open(admin.base(), "/api/" + org + "/threads/" + thread + "/stream", Platform.ADMIN)) {
          while (read < LONG_THREAD && client.next() != null) {
            read++;
          }
        }
        if (read < LONG_THREAD) {
          throw new IllegalStateException("the late viewer got " + read + " of " + LONG_THREAD + " events");
        }
        sse.add((System.nanoTime() - start) / 1e6);
      } finally {
        nats.jetStreamManagement().purgeStream(Streams.STREAM, io.nats.client.PurgeOptions.subject(subject));
      }
    }
    var rawStats = Stats.of(raw);
    var sseStats = Stats.of(sse);
    report.distribution("late viewer: raw JetStream ordered consumer reads a " + LONG_THREAD + "-event thread, baseline", "ms",
        rawStats, "(baseline)", true);
    report.distribution("late viewer: SSE client at Last-Event-ID 0 gets the " + LONG_THREAD + "-event thread", "ms",
        sseStats, "(for reading)", true);
    report.figure("  ratio p50 / raw consumer p50", "x", sseStats.p50() / rawStats.p50(), "(for reading)", true);
  }

  /** Milliseconds for an ordered consumer to read every event of the subject from the first. */
  private static double readAllRaw(Connection nats, String subject) throws Exception {
    long start = System.nanoTime();
    var options = io.nats.client.PushSubscribeOptions.builder().stream(Streams.STREAM).ordered(true).build();
    var subscription = nats.jetStream().subscribe(subject, options);
    try {
      for (int n = 0; n < LONG_THREAD; n++) {
        if (subscription.nextMessage(Duration.ofSeconds(10)) == null) {
          throw new IllegalStateException("the raw consumer got " + n + " of " + LONG_THREAD + " events");
        }
      }
      return (System.nanoTime() - start) / 1e6;
    } finally {
      subscription.unsubscribe();
    }
  }

  /** Holds CLIENTS streams open on one thread and times how long each broadcast takes to reach all. */
  static void fanOut(Report report, JetStream jetStream, RuntimeProcess api, String base, String org, String thread)
      throws Exception {
    var clients = new CopyOnWriteArrayList<SseClient>();
    // receipts[b * CLIENTS + c]: when client c read broadcast b (0 until then).
    var receipts = new AtomicLongArray(BROADCASTS * CLIENTS);
    var failures = new AtomicInteger();
    var connected = new CountDownLatch(CLIENTS);
    var opening = new Semaphore(200);
    long connectStart = System.nanoTime();
    try (var readers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < CLIENTS; c++) {
        int index = c;
        opening.acquire();
        readers.submit(() -> {
          SseClient client;
          try {
            client = SseClient.open(base, "/api/" + org + "/threads/" + thread + "/stream", Platform.ADMIN);
            clients.add(client);
          } catch (Exception e) {
            failures.incrementAndGet();
            return;
          } finally {
            opening.release();
            connected.countDown();
          }
          try {
            for (var event = client.next(); event != null; event = client.next()) {
              int b = broadcastNumber(event.data());
              if (b >= 0 && b < BROADCASTS) {
                receipts.compareAndSet(b * CLIENTS + index, 0, event.receivedNanos());
              }
            }
          } catch (Exception closed) {
            // The bench closed the connection.
          }
        });
      }
      connected.await();
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      report.figure("SSE clients connected to one api process", "count", clients.size(), ">= " + CLIENTS,
          clients.size() >= CLIENTS);
      report.figure("  connections refused or failed", "count", failures.get(), "0", failures.get() == 0);
      report.figure("  time to connect them all", "s", connectSeconds, "(for reading)", true);

      List<Double> allReached = new ArrayList<>();
      List<Double> medianReached = new ArrayList<>();
      int missed = 0;
      for (int b = 0; b < BROADCASTS; b++) {
        Thread.sleep(1000);
        long start = System.nanoTime();
        publish(jetStream, thread, b);
        long deadline = start + TimeUnit.SECONDS.toNanos(10);
        while (countReceived(receipts, b) < clients.size() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        List<Double> reached = new ArrayList<>(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
          long at = receipts.get(b * CLIENTS + c);
          if (at != 0) {
            reached.add((at - start) / 1e6);
          }
        }
        missed += clients.size() - reached.size();
        var stats = Stats.of(reached);
        allReached.add(stats.max());
        medianReached.add(stats.p50());
        System.out.println("stream: broadcast " + b + " reached " + reached.size() + " clients, last after "
            + Math.round(stats.max()) + " ms");
      }
      var all = Stats.of(allReached);
      report.distribution("broadcast reaches all " + CLIENTS + " clients (per broadcast: the last receipt)", "ms", all,
          "max <= 1000", all.max() <= 1000);
      report.distribution("  median client's receipt per broadcast", "ms", Stats.of(medianReached), "(for reading)", true);
      report.figure("  receipts missing after 10 s", "count", missed, "0", missed == 0);

      double heapMiB = heapAfterGc(api, base);
      report.figure("api heap in use with " + clients.size() + " clients (after a full GC)", "MiB", heapMiB,
          "<= 1024", heapMiB >= 0 && heapMiB <= 1024);
      clients.forEach(SseClient::close);
    }
  }

  private static int countReceived(AtomicLongArray receipts, int broadcast) {
    int count = 0;
    for (int c = 0; c < CLIENTS; c++) {
      if (receipts.get(broadcast * CLIENTS + c) != 0) {
        count++;
      }
    }
    return count;
  }

  private static int broadcastNumber(String data) {
    int at = data.indexOf("\"n\":");
    if (at < 0) {
      return -1;
    }
    int end = data.indexOf(',', at);
    return Integer.parseInt(data.substring(at + 4, end));
  }

  /** Heap in use after a full collection, from the api's own metrics (jcmd triggers the GC). */
  static double heapAfterGc(RuntimeProcess api, String base) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    new ProcessBuilder(jcmd.toString(), String.valueOf(api.pid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
    double bytes = Scrape.sum(Scrape.metrics(base), "jvm_memory_used_bytes", "area=\"heap\"").orElse(0);
    return bytes == 0 ? -1 : bytes / (1024 * 1024);
  }
}
