package dev.studio.runtime.mcp;

import dev.studio.runtime.ReadThroughCache;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

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
  private final ReadThroughCache<UUID, Optional<ConnectionStore.Opened>> entries = new ReadThroughCache<>(TTL, 10_000);

  ConnectionCache(ConnectionStore store, OAuthRefresh oauth) {
    this.store = store;
    this.oauth = oauth;
  }

  /** The connection and its credentials as sealed; an OAuth token may be due ({@link #usable}). */
  Optional<ConnectionStore.Opened> find(UUID id) {
    return entries.get(id, store::read);
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
    entries.put(id, Optional.of(refreshed));
    return refreshed;
  }

  void forget(UUID id) {
    entries.invalidate(id);
  }
}
