package dev.studio.runtime.link;

import dev.studio.runtime.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived signed URLs by which a link calls a platform tool (an MCP connection's tool, or a
 * built-in one) for one run: HMAC-SHA256 over run, tool and expiry. The link gets a URL per tool
 * with its work item and cannot make one for another run or tool, nor use one after it expired;
 * the downstream credentials stay in the platform's vault.
 */
final class ToolUrls {
  private final byte[] key;
  private final Duration ttl;
  private final Clock clock;

  ToolUrls(Secret secret, Duration ttl, Clock clock) {
    // A key of its own, derived from the platform's signing secret.
    this.key = hmac(secret.reveal().getBytes(StandardCharsets.UTF_8), "studio-link-tool-urls");
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The path and query of the tool's URL for this run. */
  String path(String org, UUID run, String tool) {
    long expires = clock.instant().plus(ttl).getEpochSecond();
    return "/api/" + org + "/links/runs/" + run + "/tools/" + tool + "?expires=" + expires + "&signature=" + sign(run, tool, expires);
  }

  /** Whether {@code signature} is ours for this run, tool and expiry, and it has not expired. */
  boolean valid(UUID run, String tool, long expires, String signature) {
    if (signature == null || clock.instant().getEpochSecond() > expires) {
      return false;
    }
    return MessageDigest.isEqual(sign(run, tool, expires).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }

  private String sign(UUID run, String tool, long expires) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, run + "\n" + tool + "\n" + expires));
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
