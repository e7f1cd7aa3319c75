package dev.studio.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Everything under examples/ that is one of our kinds is a resource the API server accepts. */
class ExamplesTest {

  @Test
  void everyExampleOfOurKindsIsValid() throws IOException {
    Path examples = CrdFiles.checkedInDir().resolveSibling("examples");
    List<String> checked = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try (Stream<Path> files = Files.walk(examples)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
          if (document.isBlank()) {
            continue;
          }
          var resource = (Map<?, ?>) SchemaValidator.parse(document);
          if (resource == null || !"studio.dev/v1alpha1".equals(resource.get("apiVersion"))) {
            continue;
          }
          String kind = (String) resource.get("kind");
          String name = examples.relativize(file) + " " + kind;
          checked.add(kind);
          SchemaValidator.forKind(kind).validate(resource).forEach(e -> errors.add(name + ": " + e));
        }
      }
    }
    assertThat(errors).isEmpty();
    assertThat(checked).contains("StudioDeployment", "WorkerPool", "SandboxClaim", "Bundle");
  }
}
