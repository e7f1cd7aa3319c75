package dev.studio.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonConfigTest {
  @Test
  void defaultsFollowTheRuntimeContract() {
    DaemonConfig config = DaemonConfig.fromEnv(Map.of("DAEMON_TOKEN", "s3cret-token"));
    assertThat(config.controlPort()).isEqualTo(9000);
    assertThat(config.previewPort()).isEqualTo(9001);
    assertThat(config.workspace()).isEqualTo(Path.of("/workspace"));
    assertThat(config.orgfsConfigFile()).isEqualTo(Path.of("/run/orgfs/config.json"));
    assertThat(config.shutdownPublishTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aMissingTokenIsNamed() {
    assertThatThrownBy(() -> DaemonConfig.fromEnv(Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.variable()).isEqualTo("DAEMON_TOKEN");
          assertThat(e.getMessage()).startsWith("DAEMON_TOKEN ").doesNotContain("\n");
        });
    assertThatThrownBy(() -> DaemonConfig.fromEnv(Map.of("DAEMON_TOKEN", "  ")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DAEMON_TOKEN"));
  }

  @Test
  void aMalformedSettingIsNamed() {
    assertRefused("DAEMON_CONTROL_PORT", "ninety");
    assertRefused("DAEMON_PREVIEW_PORT", "70000");
    assertRefused("DAEMON_SHUTDOWN_PUBLISH_SECONDS", "0");
    assertRefused("DAEMON_TOKEN", "has space");
  }

  @Test
  void theTokenNeverShowsInToString() {
    DaemonConfig config = DaemonConfig.fromEnv(Map.of("DAEMON_TOKEN", "very-secret-value"));
    assertThat(config.toString()).doesNotContain("very-secret-value");
  }

  private static void assertRefused(String variable, String value) {
    Map<String, String> env = new HashMap<>(Map.of("DAEMON_TOKEN", "token-value"));
    env.put(variable, value);
    assertThatThrownBy(() -> DaemonConfig.fromEnv(env))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.variable()).isEqualTo(variable);
          assertThat(e.getMessage()).startsWith(variable + " ");
        });
  }
}
