package dev.studio.operator.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArtifactNameTest {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void bundleRefAndTwelveHexDigits() {
    assertThat(ArtifactName.of("support", "main", COMMIT)).isEqualTo("support__main__0123456789ab");
    assertThat(ArtifactName.of("support", "feature/new tools@2", COMMIT)).isEqualTo("support__feature-new-tools-2__0123456789ab");
    assertThat(ArtifactName.of("support", "v1.2.0_rc-1", COMMIT)).isEqualTo("support__v1.2.0_rc-1__0123456789ab");
    assertThat(ArtifactName.of("support", ArtifactName.CONFIG_MAP_REF, "ffeeddccbbaa99887766")).isEqualTo("support__configmap__ffeeddccbbaa");
  }

  @Test
  void onlyHexDigestsName() {
    assertThatThrownBy(() -> ArtifactName.of("b", "main", "short")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pollIntervalsReadAsGoDurations() {
    assertThat(PollInterval.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(PollInterval.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(PollInterval.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(PollInterval.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(PollInterval.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(PollInterval.parse("10ms")).as("never faster than a second").isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> PollInterval.parse("5 minutes")).isInstanceOf(IllegalArgumentException.class);
    assertThat(GitSources.isFixed(COMMIT)).isTrue();
    assertThat(GitSources.isFixed("main")).isFalse();
    assertThat(GitSources.redact("https://user:tok@example.com/r.git")).isEqualTo("https://***@example.com/r.git");
  }
}
