package dev.studio.crd;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What the generator leaves undone: printer columns in the order the class declares them (the
 * generator sorts them, which put Age first), descriptions of the root, spec and status from
 * {@link JsonClassDescription}, and each CEL rule once (a record component's annotation reaches
 * both its field and its accessor, so the generator sees it twice).
 */
final class CrdPolish implements CRDPostProcessor {

  @Override
  public HasMetadata process(HasMetadata generated, String crdSpecVersion) {
    var crd = (CustomResourceDefinition) generated;
    Class<?> kind = kindClass(crd.getSpec().getNames().getKind());
    var version = crd.getSpec().getVersions().get(0);

    List<String> declared =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::jsonPath)
            .toList();
    List<CustomResourceColumnDefinition> columns = new ArrayList<>(version.getAdditionalPrinterColumns());
    columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getJsonPath())));
    version.setAdditionalPrinterColumns(columns);

    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
    root.setDescription(description(kind));
    var types = (ParameterizedType) kind.getGenericSuperclass();
    root.getProperties().get("spec").setDescription(description((Class<?>) types.getActualTypeArguments()[0]));
    root.getProperties().get("status").setDescription(description((Class<?>) types.getActualTypeArguments()[1]));
    dedupeRules(root);
    return crd;
  }

  private static Class<?> kindClass(String kind) {
    return CrdFiles.KINDS.stream()
        .filter(c -> c.getSimpleName().equals(kind) && CustomResource.class.isAssignableFrom(c))
        .findFirst()
        .orElseThrow();
  }

  private static String description(Class<?> type) {
    var annotation = type.getAnnotation(JsonClassDescription.class);
    if (annotation == null) {
      throw new IllegalStateException(type.getName() + " needs a @JsonClassDescription");
    }
    return annotation.value();
  }

  private static void dedupeRules(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    if (schema.getXKubernetesValidations() != null && !schema.getXKubernetesValidations().isEmpty()) {
      schema.setXKubernetesValidations(new ArrayList<>(new LinkedHashSet<>(schema.getXKubernetesValidations())));
    }
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(CrdPolish::dedupeRules);
    }
    if (schema.getItems() != null) {
      dedupeRules(schema.getItems().getSchema());
    }
    if (schema.getAdditionalProperties() != null) {
      dedupeRules(schema.getAdditionalProperties().getSchema());
    }
  }
}
