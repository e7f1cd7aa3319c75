package dev.studio.runtime.sandbox;

import dev.studio.runtime.auth.TokenFormat;
import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.store.TokenStore;
import java.util.UUID;
import java.util.function.Consumer;

/** Sandbox tokens as ordinary org API tokens (stored hashed), named after the sandbox. */
public final class IssuedSandboxTokens implements SandboxTokens {
  private final TokenStore tokens;
  private final Consumer<UUID> revoked;

  /** @param revoked told of each revocation, so every process forgets the token at once */
  public IssuedSandboxTokens(TokenStore tokens, Consumer<UUID> revoked) {
    this.tokens = tokens;
    this.revoked = revoked;
  }

  @Override
  public Issued issue(UUID orgId, String handle) {
    String token = TokenFormat.generate();
    var info = tokens.create(orgId, "sandbox " + handle + " (org-fs)", Lane.registered, TokenFormat.hash(token));
    return new Issued(info.id(), token);
  }

  @Override
  public void revoke(UUID orgId, UUID tokenId) {
    if (tokens.revoke(orgId, tokenId)) {
      revoked.accept(tokenId);
    }
  }
}
