package dev.studio.runtime.stream;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

/** The JetStream stream of run events, and its subjects. */
public final class Streams {
  public static final String STREAM = "STUDIO_STREAM";
  public static final String SUBJECT_PREFIX = "studio.stream.";
  /** How long events stay replayable (threads' messages stay in PostgreSQL for good). */
  public static final Duration MAX_AGE = Duration.ofDays(7);
  /** Publishes repeated within this window with the same message id are stored once. */
  public static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

  private Streams() {}

  public static String subject(UUID thread) {
    return SUBJECT_PREFIX + thread;
  }

  /** Creates the stream if it does not exist yet (every process does this at start-up). */
  public static void ensure(Connection nats) throws IOException, JetStreamApiException {
    var management = nats.jetStreamManagement();
    try {
      management.getStreamInfo(STREAM);
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() != 404) {
        throw e;
      }
      try {
        management.addStream(StreamConfiguration.builder()
            .name(STREAM)
            .subjects(SUBJECT_PREFIX + ">")
            .storageType(StorageType.File)
            .maxAge(MAX_AGE)
            .duplicateWindow(DUPLICATE_WINDOW)
            .discardPolicy(DiscardPolicy.Old)
            .build());
      } catch (JetStreamApiException raced) {
        // Another process created it between our look and our create.
        management.getStreamInfo(STREAM);
      }
    }
  }
}
