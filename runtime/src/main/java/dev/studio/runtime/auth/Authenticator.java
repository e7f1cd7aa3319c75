package dev.studio.runtime.auth;

import dev.studio.runtime.ReadThroughCache;
import dev.studio.runtime.Secret;
import dev.studio.runtime.store.TokenStore;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
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
  /** Token hash (hex) → its principal, or none: unknown tokens are cached too, within the bound. */
  private final ReadThroughCache<String, Optional<Principal>> cache = new ReadThroughCache<>(CACHE, 10_000);

  public Authenticator(TokenStore tokens, Secret adminToken) {
    this(tokens::byHash, adminToken);
  }

  /** @param lookup finds a live token by its hash (the token store's, or a test's wrapper of it) */
  Authenticator(Function<byte[], Optional<TokenStore.TokenInfo>> lookup, Secret adminToken) {
    this.lookup = lookup;
    this.adminToken = adminToken;
  }

  /** Tokens cached now (bounded). */
  int cached() {
    return cache.size();
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
    return cache.get(key, k -> lookup.apply(hash).map(t -> new Principal(t.id(), t.orgId(), t.tier(), false)));
  }

  /** Drops a revoked token from the cache (and keeps out an answer for it being read now). */
  public void forget(UUID tokenId) {
    cache.invalidateIf(principal -> principal.map(p -> tokenId.equals(p.tokenId())).orElse(false));
  }
}
