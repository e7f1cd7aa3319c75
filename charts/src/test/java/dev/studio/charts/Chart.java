package dev.studio.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The studio-operator chart, rendered by Helm in this JVM. */
final class Chart {
  static final Path DIR = Path.of(System.getProperty("chart.dir", "studio-operator"));

  private Chart() {}

  static List<HasMetadata> render(Map<String, Object> values) {
    return render(t -> {
      values.forEach(t::set);
      return t;
    });
  }

  static List<HasMetadata> render(UnaryOperator<TemplateCommand> options) {
    String yaml = options.apply(new Helm(DIR).template().withName("studio").withNamespace("studio-system").withKubeVersion("1.31.0")).call();
    return Arrays.stream(yaml.split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind:")))
        .map(doc -> (HasMetadata) Serialization.unmarshal(doc))
        .toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> resources, Class<T> type, String name) {
    return resources.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(r -> r.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + resources.stream()
            .map(r -> r.getKind() + "/" + r.getMetadata().getName()).toList()));
  }
}
