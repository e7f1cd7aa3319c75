package dev.studio.operator.sandbox;

import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.StudioDeployment;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * When a claim ends: at {@code lifecycle.shutdownTime}, or after {@code idleTtlSeconds} (the
 * claim's, else the template's; 0 never) without activity. Pure: the caller passes the last
 * activity it knows and the time now.
 */
public final class Expiry {
  /** Where the platform reports use of a sandbox (RFC 3339); the claim's idle clock restarts there. */
  public static final String LAST_ACTIVITY_ANNOTATION = "studio.dev/last-activity";

  public static final String REASON_SHUTDOWN_TIME = "ShutdownTimeReached";
  public static final String REASON_IDLE = "IdleTimeout";

  private Expiry() {}

  /** When and why the claim ends, if it ends at all. */
  public record Deadline(Instant at, String reason, String message) {
    public boolean due(Instant now) {
      return !now.isBefore(at);
    }
  }

  /** The earliest deadline of the claim, given its last activity. */
  public static Optional<Deadline> deadline(SandboxClaim claim, StudioDeployment studio, Instant lastActivity) {
    var lifecycle = claim.getSpec().lifecycle();
    Deadline shutdown = null;
    if (lifecycle.shutdownTime() != null) {
      Instant at = OffsetDateTime.parse(lifecycle.shutdownTime()).toInstant();
      shutdown = new Deadline(at, REASON_SHUTDOWN_TIME, "spec.lifecycle.shutdownTime " + lifecycle.shutdownTime() + " was reached.");
    }
    int ttl = idleTtlSeconds(claim, studio);
    Deadline idle = null;
    if (ttl > 0 && lastActivity != null) {
      idle = new Deadline(lastActivity.plus(Duration.ofSeconds(ttl)), REASON_IDLE,
          "No activity for " + ttl + " s (idle TTL) since " + lastActivity + ".");
    }
    if (shutdown == null) {
      return Optional.ofNullable(idle);
    }
    if (idle == null) {
      return Optional.of(shutdown);
    }
    return Optional.of(idle.at().isBefore(shutdown.at()) ? idle : shutdown);
  }

  public static int idleTtlSeconds(SandboxClaim claim, StudioDeployment studio) {
    Integer own = claim.getSpec().lifecycle().idleTtlSeconds();
    return own != null ? own : studio.getSpec().sandbox().idleTtlSeconds();
  }

  /**
   * The last activity: the latest of what the platform reported in the annotation and what the
   * status already holds; {@code boundAt} when neither says anything (binding is activity).
   */
  public static Instant lastActivity(SandboxClaim claim, Instant boundAt) {
    Instant latest = boundAt;
    var annotations = claim.getMetadata().getAnnotations();
    latest = later(latest, annotations == null ? null : parse(annotations.get(LAST_ACTIVITY_ANNOTATION)));
    latest = later(latest, claim.getStatus() == null ? null : parse(claim.getStatus().lastActivityTime()));
    return latest;
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b != null && b.isAfter(a) ? b : a;
  }

  private static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      // A malformed annotation is ignored rather than failing the claim: it is only a hint.
      return null;
    }
  }
}
