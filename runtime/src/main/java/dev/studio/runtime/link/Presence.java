package dev.studio.runtime.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Which users have a live link: one entry per user in the NATS KV bucket {@code studio_links},
 * whose max age is the presence TTL. A link's heartbeat (through the platform: the link holds a
 * user token, never NATS credentials) rewrites the entry; when the link dies the entry simply
 * ages out, so no one has to notice the death for presence to end.
 */
public final class Presence {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyValue bucket;
  private final Duration ttl;

  /** What a live link said about itself in its last heartbeat. */
  public record Entry(String linkId, String host, String version, String started) {}

  public Presence(Connection nats, String bucketName, Duration ttl) throws IOException, JetStreamApiException {
    this.ttl = ttl;
    var config = KeyValueConfiguration.builder().name(bucketName).ttl(ttl).maxHistoryPerKey(1).storageType(StorageType.File).build();
    var management = nats.keyValueManagement();
    try {
      management.create(config);
    } catch (JetStreamApiException exists) {
      // There already (another process made it, or an older TTL): make its settings ours.
      management.update(config);
    }
    bucket = nats.keyValue(bucketName);
  }

  public Duration ttl() {
    return ttl;
  }

  /** How often a link should beat: a third of the TTL, so two lost beats still keep it live. */
  public Duration heartbeat() {
    return Duration.ofMillis(Math.max(1000, ttl.toMillis() / 3));
  }

  public void beat(UUID user, Entry entry) {
    ObjectNode value = JSON.createObjectNode().put("linkId", entry.linkId()).put("host", entry.host())
        .put("version", entry.version()).put("started", entry.started());
    try {
      bucket.put(key(user), JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException("cannot record link presence: " + e.getMessage(), e);
    }
  }

  /** The user's live link, if one beat within the TTL. */
  public Optional<Entry> live(UUID user) {
    try {
      var entry = bucket.get(key(user));
      if (entry == null || entry.getValue() == null || entry.getValue().length == 0) {
        return Optional.empty();
      }
      var value = JSON.readTree(entry.getValue());
      return Optional.of(new Entry(value.path("linkId").asText(), value.path("host").asText(), value.path("version").asText(),
          value.path("started").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException("cannot read link presence: " + e.getMessage(), e);
    }
  }

  /** A link that stops cleanly says so at once, rather than leaving its entry to age out. */
  public void leave(UUID user, String linkId) {
    if (live(user).filter(e -> e.linkId().equals(linkId)).isEmpty()) {
      return; // another link of the user beat since: it is still live
    }
    try {
      bucket.delete(key(user));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException("cannot remove link presence: " + e.getMessage(), e);
    }
  }

  private static String key(UUID user) {
    return user.toString();
  }
}
