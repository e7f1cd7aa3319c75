package dev.studio.runtime.mcp;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections the forwarding proxy serves, with their credentials opened, kept a few seconds:
 * reading the row and opening the sealed credentials (a query plus AES-GCM) is most of what a
 * proxied call would otherwise cost the platform. A change of the connection in this process
 * forgets the entry at once, in another process within the time of a NATS broadcast ({@link
 * ConnectionChanges}); the short expiry bounds staleness if a broadcast is lost.
 */
final class ConnectionCache {
  static final Duration TTL = Duration.ofSeconds(5);

  private final ConnectionStore store;
  private final OAuthRefresh oauth;
  private final ConcurrentHashMap<UUID, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(ConnectionStore.Opened opened, long until) {}

  ConnectionCache(ConnectionStore store, OAuthRefresh oauth) {
    this.store = store;
    this.oauth = oauth;
  }

  /** The connection and its credentials as sealed; an OAuth token may be due ({@link #usable}). */
  Optional<ConnectionStore.Opened> find(UUID id) {
    long now = System.nanoTime();
    var entry = entries.get(id);
    if (entry != null && entry.until - now > 0) {
      return Optional.of(entry.opened);
    }
    var read = store.read(id);
    read.ifPresentOrElse(opened -> entries.put(id, new Entry(opened, now + TTL.toNanos())), () -> entries.remove(id));
    return read;
  }

  /**
   * Credentials fit to send: an OAuth access token due for renewal is refreshed first (under the
   * row's lock, once for all processes). Called only after the caller's org was checked, so
   * another org's token cannot make the platform talk to a token endpoint.
   *
   * @throws DownstreamException when the refresh fails
   */
  ConnectionStore.Opened usable(ConnectionStore.Opened opened) {
    if (!oauth.due(opened.credentials())) {
      return opened;
    }
    UUID id = opened.connection().id();
    var refreshed = store.open(id, oauth).orElseThrow(() -> new DownstreamException(DownstreamException.UNAVAILABLE,
        "connection " + opened.connection().name() + " no longer exists"));
    entries.put(id, new Entry(refreshed, System.nanoTime() + TTL.toNanos()));
    return refreshed;
  }

  void forget(UUID id) {
    entries.remove(id);
  }
}
