package dev.studio.runtime.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Secret;
import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.store.TokenStore;
import dev.studio.runtime.testing.MigratedDatabase;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Revoking a token works at once, also against a request that was reading the token as it was
 * revoked; and tokens a client makes up cannot grow the cache without end.
 */
class AuthenticatorTest {
  MigratedDatabase database;
  TokenStore tokens;
  UUID org;

  @BeforeEach
  void create() {
    database = new MigratedDatabase();
    tokens = new TokenStore(database.jdbi());
    org = database.org();
  }

  @AfterEach
  void drop() {
    database.close();
  }

  @Test
  void aTokenRevokedWhileARequestReadItIsNotCachedAsValid() throws Exception {
    String token = TokenFormat.generate();
    var info = tokens.create(org, "sidecar", Lane.paid, TokenFormat.hash(token));
    var read = new CountDownLatch(1);
    var revoked = new CountDownLatch(1);
    // The store's answer is real; the wrapper only holds it back until the revocation is done,
    // which is the moment a busy process can hit.
    var holdFirstRead = new java.util.concurrent.atomic.AtomicBoolean(true);
    var authenticator = new Authenticator(hash -> {
      Optional<TokenStore.TokenInfo> found = tokens.byHash(hash);
      if (holdFirstRead.getAndSet(false)) {
        read.countDown();
        try {
          revoked.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return found;
    }, new Secret("admin-token-of-this-test"));

    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      var inFlight = executor.submit(() -> authenticator.authenticate(token));
      read.await();
      assertThat(tokens.revoke(org, info.id())).isTrue();
      authenticator.forget(info.id());
      revoked.countDown();
      assertThat(inFlight.get()).as("the request already under way").isPresent();
    }
    assertThat(authenticator.authenticate(token)).as("the next request").isEmpty();
  }

  @Test
  void madeUpTokensDoNotGrowTheCacheWithoutEnd() {
    var authenticator = new Authenticator(tokens, new Secret("admin-token-of-this-test"));
    for (int i = 0; i < 12_000; i++) {
      assertThat(authenticator.authenticate(TokenFormat.generate())).isEmpty();
    }
    assertThat(authenticator.cached()).isLessThanOrEqualTo(10_000);

    String real = TokenFormat.generate();
    tokens.create(org, "still served", Lane.paid, TokenFormat.hash(real));
    assertThat(authenticator.authenticate(real)).isPresent();
  }
}
