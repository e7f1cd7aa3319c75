package dev.studio.orgfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarConfigTest {
  @TempDir
  Path dir;

  @Test
  void readsVolumesAndTheirReadOnlyFlag() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, """
        {"apiUrl": "http://api:8080/", "token": "t", "org": "acme", "root": "/app/org",
         "volumes": [{"volume": "shared"}, {"volume": "docs", "path": "handbook", "readOnly": true}, {"volume": "public-assets"}],
         "futureField": 1}""");
    var config = SidecarConfig.read(file);
    assertThat(config.api()).isEqualTo("http://api:8080");
    assertThat(config.volumes()).extracting(SidecarConfig.Volume::localName).containsExactly("shared", "handbook", "public-assets");
    assertThat(config.volumes()).extracting(SidecarConfig.Volume::effectivelyReadOnly).containsExactly(false, true, true);
  }

  @Test
  void refusesWhatCouldLeaveTheRootOrIsMissing() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, """
        {"apiUrl": "http://api", "token": "t", "org": "acme", "root": "/r", "volumes": [{"volume": "shared", "path": ".."}]}""");
    assertThatThrownBy(() -> SidecarConfig.read(file)).hasMessageContaining("volumes[].path");
    Files.writeString(file, """
        {"apiUrl": "http://api", "org": "acme", "root": "/r", "volumes": [{"volume": "shared"}]}""");
    assertThatThrownBy(() -> SidecarConfig.read(file)).hasMessageContaining("token");
    Files.writeString(file, """
        {"apiUrl": "http://api", "token": "t", "org": "acme", "root": "/r", "volumes": [{"volume": "../x"}]}""");
    assertThatThrownBy(() -> SidecarConfig.read(file)).hasMessageContaining("volumes[].volume");
  }
}
