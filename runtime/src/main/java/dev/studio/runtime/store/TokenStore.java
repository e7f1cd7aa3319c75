package dev.studio.runtime.store;

import dev.studio.runtime.dispatch.Lane;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** API tokens, stored by hash. */
public final class TokenStore {
  private final Jdbi jdbi;

  /** A token as listed: never its value. */
  public record TokenInfo(UUID id, UUID orgId, String name, Lane tier, Instant createdAt, Instant revokedAt) {}

  public TokenStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public TokenInfo create(UUID orgId, String name, Lane tier, byte[] hash) {
    UUID id = UUID.randomUUID();
    return jdbi.withHandle(h -> h.createQuery("""
            insert into api_tokens (id, org_id, name, tier, token_hash) values (?, ?, ?, ?, ?)
            returning id, org_id, name, tier, created_at, revoked_at""")
        .bind(0, id).bind(1, orgId).bind(2, name).bind(3, tier.name()).bind(4, hash)
        .map((rs, ctx) -> info(rs))
        .one());
  }

  /** The live (not revoked) token with this hash. */
  public Optional<TokenInfo> byHash(byte[] hash) {
    return jdbi.withHandle(h -> h.createQuery(
            "select id, org_id, name, tier, created_at, revoked_at from api_tokens where token_hash = ? and revoked_at is null")
        .bind(0, hash)
        .map((rs, ctx) -> info(rs))
        .findOne());
  }

  public List<TokenInfo> list(UUID orgId) {
    return jdbi.withHandle(h -> h.createQuery(
            "select id, org_id, name, tier, created_at, revoked_at from api_tokens where org_id = ? order by created_at")
        .bind(0, orgId)
        .map((rs, ctx) -> info(rs))
        .list());
  }

  /** Revokes a token of the org; false if there is no such live token. */
  public boolean revoke(UUID orgId, UUID tokenId) {
    return jdbi.withHandle(h -> h.createUpdate(
            "update api_tokens set revoked_at = now() where id = ? and org_id = ? and revoked_at is null")
        .bind(0, tokenId).bind(1, orgId)
        .execute()) == 1;
  }

  private static TokenInfo info(java.sql.ResultSet rs) throws java.sql.SQLException {
    var revoked = rs.getTimestamp(6);
    return new TokenInfo(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
        Lane.valueOf(rs.getString(4)), rs.getTimestamp(5).toInstant(), revoked == null ? null : revoked.toInstant());
  }
}
