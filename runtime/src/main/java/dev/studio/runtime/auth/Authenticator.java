package dev.studio.runtime.auth;

import dev.studio.runtime.Secret;
import dev.studio.runtime.store.TokenStore;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Resolves a bearer token to its principal. Lookups are cached briefly (a token used a thousand
 * times a second costs one query a few times a minute); a revocation clears the cache here at once
 * and, through {@link #forget}, on every other process within the time a broadcast takes.
 */
public final class Authenticator {
  static final Duration CACHE = Duration.ofSeconds(5);

  private final Function<byte[], Optional<TokenStore.TokenInfo>> lookup;
  private final Secret adminToken;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicLong revocations = new AtomicLong();

  private record Cached(Optional<Principal> principal, long until) {}

  public Authenticator(TokenStore tokens, Secret adminToken) {
    this(tokens::byHash, adminToken);
  }

  /** @param lookup finds a live token by its hash (the token store's, or a test's wrapper of it) */
  Authenticator(Function<byte[], Optional<TokenStore.TokenInfo>> lookup, Secret adminToken) {
    this.lookup = lookup;
    this.adminToken = adminToken;
  }

  public Optional<Principal> authenticate(String token) {
    if (token == null || token.isEmpty() || token.length() > 512) {
      return Optional.empty();
    }
    if (TokenFormat.sameSecret(token, adminToken.reveal())) {
      return Optional.of(Principal.ADMIN);
    }
    if (!token.startsWith(TokenFormat.PREFIX)) {
      return Optional.empty();
    }
    byte[] hash = TokenFormat.hash(token);
    String key = HexFormat.of().formatHex(hash);
    long now = System.nanoTime();
    var cached = cache.get(key);
    if (cached != null && cached.until() > now) {
      return cached.principal();
    }
    long revocationsBefore = revocations.get();
    var principal = lookup.apply(hash).map(t -> new Principal(t.id(), t.orgId(), t.tier(), false));
    var entry = new Cached(principal, now + CACHE.toNanos());
    cache.put(key, entry);
    // A token revoked while it was being read may have been read as valid: that answer serves this
    // request only. (Put first, then look: a revocation either sees the entry and drops it, or
    // counted before this look.)
    if (revocations.get() != revocationsBefore) {
      cache.remove(key, entry);
    }
    return principal;
  }

  /** Drops a revoked token from the cache. */
  public void forget(UUID tokenId) {
    revocations.incrementAndGet();
    cache.values().removeIf(c -> c.principal().map(p -> tokenId.equals(p.tokenId())).orElse(false));
  }
}
