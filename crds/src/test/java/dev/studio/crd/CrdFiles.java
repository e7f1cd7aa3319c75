package dev.studio.crd;

import dev.studio.crd.v1alpha1.Bundle;
import dev.studio.crd.v1alpha1.SandboxClaim;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.crd.v1alpha1.WorkerPool;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Generates the CRD YAML from the model, and finds the checked-in copies. */
public final class CrdFiles {
  public static final List<Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>> KINDS =
      List.of(StudioDeployment.class, WorkerPool.class, SandboxClaim.class, Bundle.class);

  private CrdFiles() {}

  /** The directory holding the checked-in CRDs: {@code crds/} of the repository. */
  public static Path checkedInDir() {
    String dir = System.getProperty("crds.dir");
    if (dir != null) {
      return Path.of(dir);
    }
    // Run from another module's tests (or an IDE): walk up to the repository root.
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isRegularFile(here.resolve("crds/pom.xml"))) {
      here = here.getParent();
    }
    if (here == null) {
      throw new IllegalStateException("cannot find the crds/ directory above " + Path.of("").toAbsolutePath());
    }
    return here.resolve("crds");
  }

  /** File name of a CRD, e.g. {@code studiodeployments.studio.dev.yaml}. */
  public static String fileName(String crdName) {
    return crdName + ".yaml";
  }

  /** The YAML of each CRD, keyed by file name, generated from the model now. */
  public static Map<String, String> generate() {
    try {
      Path out = Files.createTempDirectory("crds");
      var info =
          new CRDGenerator()
              .customResourceClasses(KINDS)
              .forCRDVersions("v1")
              .inOutputDir(out.toFile())
              .withParallelGenerationEnabled(false)
              .withPostProcessor(new CrdPolish())
              .detailedGenerate();
      Map<String, String> files = new TreeMap<>();
      for (var crd : info.getCRDDetailsPerNameAndVersion().entrySet()) {
        Path generated = Path.of(crd.getValue().get("v1").getFilePath());
        files.put(fileName(crd.getKey()), Files.readString(generated));
        Files.delete(generated);
      }
      Files.delete(out);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The checked-in CRDs, parsed. */
  public static List<CustomResourceDefinition> load() {
    try (var files = Files.list(checkedInDir())) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".yaml"))
          .sorted()
          .map(
              p -> {
                try {
                  return Serialization.unmarshal(Files.readString(p), CustomResourceDefinition.class);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The checked-in CRD of a kind. */
  public static CustomResourceDefinition load(String kind) {
    return load().stream()
        .filter(c -> c.getSpec().getNames().getKind().equals(kind))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no CRD for kind " + kind));
  }
}
