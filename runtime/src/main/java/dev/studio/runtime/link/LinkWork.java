package dev.studio.runtime.link;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pull transport: runs waiting for a user's link, on the JetStream work queue {@code
 * link.work.<user>} (work-queue retention: a message is gone once a link took it; at most {@link
 * #MAX_PER_USER} waiting per user, beyond which the run stays hosted). One durable consumer per
 * user, shared by all the user's link processes, so each message goes to one of them; taking
 * acknowledges at once. The real guard against running a run twice is the run-level claim in
 * PostgreSQL ({@code RunStore.startLinked}), which also drops messages of runs re-dispatched since.
 */
public final class LinkWork {
  public static final String STREAM = "LINK_WORK";
  public static final String SUBJECT_PREFIX = "link.work.";
  public static final long MAX_PER_USER = 1000;
  /** A message nobody takes for this long is dropped; the watcher has re-dispatched its run long before. */
  static final Duration MAX_AGE = Duration.ofDays(1);
  /** A user's consumer is removed after this long without a poll. */
  static final Duration CONSUMER_IDLE = Duration.ofDays(1);

  private final Connection nats;
  private final ConcurrentHashMap<UUID, ConsumerContext> consumers = new ConcurrentHashMap<>();

  public LinkWork(Connection nats) throws IOException, JetStreamApiException {
    this.nats = nats;
    var management = nats.jetStreamManagement();
    var config = StreamConfiguration.builder()
        .name(STREAM)
        .subjects(SUBJECT_PREFIX + ">")
        .retentionPolicy(RetentionPolicy.WorkQueue)
        .maxMessagesPerSubject(MAX_PER_USER)
        .discardPolicy(DiscardPolicy.New)
        .discardNewPerSubject(true)
        .maxAge(MAX_AGE)
        .duplicateWindow(Duration.ofMinutes(2))
        .storageType(StorageType.File)
        .build();
    try {
      management.getStreamInfo(STREAM);
    } catch (JetStreamApiException missing) {
      try {
        management.addStream(config);
      } catch (JetStreamApiException raced) {
        management.getStreamInfo(STREAM); // another process created it meanwhile
      }
    }
  }

  public static String subject(UUID user) {
    return SUBJECT_PREFIX + user;
  }

  /** Puts a run on the user's queue; false if the queue is full (or NATS refused). */
  public boolean offer(UUID user, UUID run) {
    try {
      nats.jetStream().publish(subject(user), run.toString().getBytes(StandardCharsets.UTF_8),
          PublishOptions.builder().messageId(run.toString()).build());
      return true;
    } catch (IOException | JetStreamApiException e) {
      return false;
    }
  }

  /** The next run waiting for the user's link, waiting up to {@code timeout}; taken for good. */
  public Optional<UUID> take(UUID user, Duration timeout) throws IOException, InterruptedException, JetStreamApiException {
    io.nats.client.Message message;
    try {
      message = consumer(user).next(timeout);
    } catch (io.nats.client.JetStreamStatusCheckedException e) {
      consumers.remove(user); // e.g. the consumer was removed while idle: made again next time
      throw new IOException("the link work queue answered " + e.getMessage(), e);
    }
    if (message == null) {
      return Optional.empty();
    }
    message.ack();
    return Optional.of(UUID.fromString(new String(message.getData(), StandardCharsets.UTF_8)));
  }

  private ConsumerContext consumer(UUID user) throws IOException, JetStreamApiException {
    var known = consumers.get(user);
    if (known != null) {
      return known;
    }
    var config = ConsumerConfiguration.builder()
        .durable("link-" + user)
        .filterSubject(subject(user))
        .ackPolicy(AckPolicy.Explicit)
        .inactiveThreshold(CONSUMER_IDLE)
        .build();
    var created = nats.getStreamContext(STREAM).createOrUpdateConsumer(config);
    consumers.put(user, created);
    return created;
  }
}
