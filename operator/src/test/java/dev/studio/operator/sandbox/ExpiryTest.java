package dev.studio.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.crd.v1alpha1.SandboxClaimStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpiryTest {
  static final Instant T0 = Instant.parse("2026-01-31T12:00:00Z");

  @Test
  void theTemplatesIdleTtlAppliesUnlessTheClaimSetsItsOwn() {
    var studio = SandboxFixtures.studio("acme", SandboxFixtures.template(0));
    var deadline = Expiry.deadline(SandboxFixtures.claim("a", "acme"), studio, T0).orElseThrow();
    assertThat(deadline.at()).isEqualTo(T0.plusSeconds(900));
    assertThat(deadline.reason()).isEqualTo(Expiry.REASON_IDLE);
    assertThat(deadline.due(T0.plusSeconds(899))).isFalse();
    assertThat(deadline.due(T0.plusSeconds(900))).isTrue();

    var own = Expiry.deadline(SandboxFixtures.claim("a", "acme", "idleTtlSeconds: 60"), studio, T0).orElseThrow();
    assertThat(own.at()).isEqualTo(T0.plusSeconds(60));
    assertThat(Expiry.deadline(SandboxFixtures.claim("a", "acme", "idleTtlSeconds: 0"), studio, T0)).isEmpty();
  }

  @Test
  void theEarlierOfShutdownTimeAndIdleWins() {
    var studio = SandboxFixtures.studio("acme", SandboxFixtures.template(0));
    var soon = SandboxFixtures.claim("a", "acme", "shutdownTime: \"2026-01-31T12:05:00Z\"");
    assertThat(Expiry.deadline(soon, studio, T0).orElseThrow().reason()).isEqualTo(Expiry.REASON_SHUTDOWN_TIME);
    var late = SandboxFixtures.claim("a", "acme", "shutdownTime: \"2026-02-01T12:00:00+01:00\"");
    assertThat(Expiry.deadline(late, studio, T0).orElseThrow().reason()).isEqualTo(Expiry.REASON_IDLE);
    var onlyShutdown = SandboxFixtures.claim("a", "acme", "idleTtlSeconds: 0, shutdownTime: \"2026-02-01T12:00:00+01:00\"");
    assertThat(Expiry.deadline(onlyShutdown, studio, T0).orElseThrow().at()).isEqualTo(Instant.parse("2026-02-01T11:00:00Z"));
  }

  @Test
  void activityIsTheLatestOfTheAnnotationTheStatusAndTheBind() {
    var claim = SandboxFixtures.claim("a", "acme");
    assertThat(Expiry.lastActivity(claim, T0)).isEqualTo(T0);
    claim.getMetadata().setAnnotations(Map.of(Expiry.LAST_ACTIVITY_ANNOTATION, "2026-01-31T12:10:00Z"));
    assertThat(Expiry.lastActivity(claim, T0)).isEqualTo(T0.plusSeconds(600));
    claim.setStatus(new SandboxClaimStatus(1L, List.of(), null, null, null, null, null, null, null, "2026-01-31T12:20:00Z"));
    assertThat(Expiry.lastActivity(claim, null)).isEqualTo(T0.plusSeconds(1200));
    claim.getMetadata().setAnnotations(Map.of(Expiry.LAST_ACTIVITY_ANNOTATION, "yesterday"));
    assertThat(Expiry.lastActivity(claim, null)).isEqualTo(T0.plusSeconds(1200));
  }
}
