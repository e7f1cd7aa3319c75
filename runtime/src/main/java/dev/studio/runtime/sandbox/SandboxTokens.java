package dev.studio.runtime.sandbox;

import java.util.UUID;

/**
 * API tokens for sandboxes' org-fs sidecars: one per sandbox, of the sandbox's org, issued when it
 * is set up and revoked when it is deleted (everywhere at once, like any revocation).
 */
public interface SandboxTokens {
  /** A token just issued: its id, and the token itself (shown this once, to the sidecar). */
  record Issued(UUID id, String token) {}

  Issued issue(UUID orgId, String handle);

  void revoke(UUID orgId, UUID tokenId);
}
