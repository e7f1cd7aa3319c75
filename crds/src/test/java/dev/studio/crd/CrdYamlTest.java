package dev.studio.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checked-in CRD YAML must be exactly what the model generates, so the model and the files
 * users apply never drift apart. {@code -Dcrds.update=true} rewrites the files instead (and the
 * chart's copies, which the charts module holds to the same standard).
 */
class CrdYamlTest {
  static final String UPDATE_COMMAND = "./mvnw -pl crds test -Dtest=CrdYamlTest -Dcrds.update=true";

  @Test
  void checkedInYamlIsWhatTheModelGenerates() throws IOException {
    Map<String, String> generated = CrdFiles.generate();
    assertThat(generated).hasSize(CrdFiles.KINDS.size());
    Path dir = CrdFiles.checkedInDir();

    if (Boolean.getBoolean("crds.update")) {
      Path chartCrds = dir.resolveSibling("charts/studio-operator/crds");
      Files.createDirectories(chartCrds);
      for (var file : generated.entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue());
        Files.writeString(chartCrds.resolve(file.getKey()), file.getValue());
      }
    }

    List<String> stale = new ArrayList<>();
    for (var file : generated.entrySet()) {
      Path checkedIn = dir.resolve(file.getKey());
      if (!Files.exists(checkedIn) || !Files.readString(checkedIn).equals(file.getValue())) {
        stale.add(file.getKey());
      }
    }
    try (var existing = Files.list(dir)) {
      existing
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !generated.containsKey(n))
          .forEach(n -> stale.add(n + " (no kind generates it)"));
    }
    assertThat(stale)
        .as("crds/ is out of date with the model in dev.studio.crd.v1alpha1; run: " + UPDATE_COMMAND)
        .isEmpty();
  }
}
