package dev.studio.runtime.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to JetStream from one pipeline per process: many publishes in flight at once,
 * in order; when NATS is away (restarting), the unacknowledged ones are published again, in the
 * same order, until NATS takes them. The message id makes those repeats land once. Producers wait
 * when the pipeline is full, so a long outage slows runs down instead of dropping their output.
 */
public final class JetStreamPublisher implements EventPublisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JetStreamPublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int WINDOW = 256;

  private record Outgoing(String subject, String messageId, byte[] body, Runnable acknowledged) {}

  private final JetStream jetStream;
  private final BlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>(20_000);
  private final Thread pipeline;
  private final java.util.concurrent.atomic.AtomicLong unacknowledged = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean closing;

  public JetStreamPublisher(Connection nats, MeterRegistry metrics) throws java.io.IOException {
    this.jetStream = nats.jetStream();
    metrics.gaugeCollectionSize("studio.stream.publish.backlog", List.of(), queue);
    pipeline = Thread.ofPlatform().name("event-publisher").daemon(true).start(this::run);
  }

  @Override
  public void publish(UUID thread, String type, ObjectNode data, String messageId, Runnable acknowledged) {
    data.put("type", type);
    data.put("threadId", thread.toString());
    data.put("at", Instant.now().toString());
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(data);
    } catch (Exception e) {
      throw new IllegalArgumentException("unserialisable event " + type, e);
    }
    try {
      unacknowledged.incrementAndGet();
      queue.put(new Outgoing(Streams.subject(thread), messageId, body, acknowledged));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + type, e);
    }
  }

  private void run() {
    List<Outgoing> batch = new ArrayList<>(WINDOW);
    Duration backoff = Duration.ofMillis(100);
    while (!closing || !batch.isEmpty() || !queue.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          Outgoing first = queue.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, WINDOW - 1);
        }
        int failedAt = send(batch);
        acknowledged(batch, failedAt < 0 ? batch.size() : failedAt);
        if (failedAt < 0) {
          unacknowledged.addAndGet(-batch.size());
          batch.clear();
          backoff = Duration.ofMillis(100);
        } else {
          // Keep the unacknowledged tail, in order, and send it again after a pause.
          unacknowledged.addAndGet(-failedAt);
          batch = new ArrayList<>(batch.subList(failedAt, batch.size()));
          Thread.sleep(backoff.toMillis());
          backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : backoff.multipliedBy(2);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("event pipeline: {}", e.getMessage());
      }
    }
  }

  private static void acknowledged(List<Outgoing> batch, int count) {
    for (int i = 0; i < count; i++) {
      var callback = batch.get(i).acknowledged();
      if (callback != null) {
        try {
          callback.run();
        } catch (RuntimeException e) {
          log.warn("after an acknowledgement: {}", e.toString());
        }
      }
    }
  }

  /** Sends a batch; returns the index of the first unacknowledged message, or -1. */
  private int send(List<Outgoing> batch) throws InterruptedException {
    List<CompletableFuture<PublishAck>> acks = new ArrayList<>(batch.size());
    for (Outgoing message : batch) {
      try {
        acks.add(jetStream.publishAsync(message.subject(), message.body(),
            PublishOptions.builder().messageId(message.messageId()).build()));
      } catch (Exception e) {
        acks.add(CompletableFuture.failedFuture(e));
      }
    }
    for (int i = 0; i < acks.size(); i++) {
      try {
        acks.get(i).get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        log.warn("NATS did not take event {} ({}); sending it and the {} after it again", i, e.getClass().getSimpleName(), acks.size() - i - 1);
        return i;
      }
    }
    return -1;
  }

  /** Waits until everything published so far is acknowledged, up to {@code timeout}. */
  public boolean drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (unacknowledged.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return unacknowledged.get() == 0;
  }

  @Override
  public void close() {
    closing = true;
    try {
      pipeline.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pipeline.interrupt();
  }
}
