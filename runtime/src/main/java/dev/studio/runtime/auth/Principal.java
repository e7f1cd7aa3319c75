package dev.studio.runtime.auth;

import dev.studio.runtime.dispatch.Lane;
import java.util.UUID;

/**
 * The caller of a request. An org token belongs to one org and one tier (which picks the lane its
 * runs wait in); the admin token is an admin of every org.
 *
 * @param tokenId the token's id, null for the admin token
 * @param orgId the token's org, null for the admin token
 */
public record Principal(UUID tokenId, UUID orgId, Lane tier, boolean admin) {
  public static final Principal ADMIN = new Principal(null, null, Lane.privileged, true);

  public boolean mayAccess(UUID org) {
    return admin || org.equals(orgId);
  }

  /** A name for audit rows and logs: never the token itself. */
  public String actor() {
    return admin ? "admin" : "token:" + tokenId;
  }
}
