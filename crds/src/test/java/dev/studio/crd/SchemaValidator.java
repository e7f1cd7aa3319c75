package dev.studio.crd;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Validates a custom resource against a checked-in CRD the way the API server does: structural
 * defaults, then OpenAPI checks, then the CEL rules ({@code x-kubernetes-validations}) evaluated
 * with cel-java. Unknown fields are errors, as with {@code kubectl apply --validate=strict}.
 * Errors read like the API server's: {@code spec.redis: set exactly one of url and urlSecretRef}.
 *
 * <p>The fabric8 mock server validates nothing, so tests use this to hold the CRDs, the examples
 * and the resources they create to what a real cluster would accept.
 */
public final class SchemaValidator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addCompilerLibraries((CelCompilerLibrary) CelExtensions.strings())
          .addRuntimeLibraries(CelExtensions.strings())
          .addVar("self", SimpleType.DYN)
          .build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  private final JSONSchemaProps root;

  private SchemaValidator(JSONSchemaProps root) {
    this.root = root;
  }

  public static SchemaValidator forKind(String kind) {
    return forCrd(CrdFiles.load(kind));
  }

  public static SchemaValidator forCrd(CustomResourceDefinition crd) {
    return new SchemaValidator(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
  }

  /** Errors of a resource given as an object the client would send (a model class or a map). */
  public List<String> validate(Object resource) {
    Object value = toPlain(resource);
    applyDefaults(root, value);
    List<String> errors = new ArrayList<>();
    check("", root, value, errors);
    return errors;
  }

  /** The resource with the schema's defaults filled in, as the API server stores it. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> withDefaults(Object resource) {
    Object value = toPlain(resource);
    applyDefaults(root, value);
    return (Map<String, Object>) value;
  }

  /** Parses YAML or JSON into the plain maps and lists the validator works on. */
  public static Object parse(String yamlOrJson) {
    return toPlain(Serialization.unmarshal(yamlOrJson, Map.class));
  }

  private static Object toPlain(Object resource) {
    Object plain =
        resource instanceof Map<?, ?> || resource instanceof List<?>
            ? JSON.convertValue(resource, Object.class)
            : Serialization.unmarshal(Serialization.asJson(resource), Map.class);
    return widen(plain);
  }

  /** CEL compares integers as int64: widen every Integer to Long, recursively. */
  @SuppressWarnings("unchecked")
  private static Object widen(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((k, v) -> out.put(k, widen(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(widen(v)));
      return out;
    }
    if (value instanceof Integer i) {
      return i.longValue();
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static void applyDefaults(JSONSchemaProps schema, Object value) {
    if (schema == null || value == null) {
      return;
    }
    if (value instanceof Map<?, ?> map && schema.getProperties() != null) {
      var object = (Map<String, Object>) map;
      for (var property : schema.getProperties().entrySet()) {
        var propertySchema = property.getValue();
        if (!object.containsKey(property.getKey()) && propertySchema.getDefault() != null) {
          object.put(property.getKey(), widen(JSON.convertValue(propertySchema.getDefault(), Object.class)));
        }
        applyDefaults(propertySchema, object.get(property.getKey()));
      }
    }
    if (value instanceof Map<?, ?> map
        && schema.getAdditionalProperties() != null
        && schema.getAdditionalProperties().getSchema() != null) {
      map.values().forEach(v -> applyDefaults(schema.getAdditionalProperties().getSchema(), v));
    }
    if (value instanceof List<?> list && schema.getItems() != null) {
      list.forEach(v -> applyDefaults(schema.getItems().getSchema(), v));
    }
  }

  @SuppressWarnings("unchecked")
  private void check(String path, JSONSchemaProps schema, Object value, List<String> errors) {
    if (value == null) {
      if (!Boolean.TRUE.equals(schema.getNullable())) {
        errors.add(at(path) + ": Invalid value: null: must not be null");
      }
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      if (!(value instanceof String) && !(value instanceof Long)) {
        errors.add(at(path) + ": Invalid value: must be an integer or a string");
      }
      return;
    }
    String type = schema.getType();
    if (type != null && !hasType(type, value)) {
      errors.add(at(path) + ": Invalid value: \"" + value + "\": must be of type " + type);
      return;
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      var allowed = schema.getEnum().stream().map(n -> JSON.convertValue(n, Object.class)).map(SchemaValidator::widen).toList();
      if (!allowed.contains(value)) {
        errors.add(at(path) + ": Unsupported value: \"" + value + "\": supported values: " + allowed);
      }
    }
    if (value instanceof String s) {
      if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(s).find()) {
        errors.add(at(path) + ": Invalid value: \"" + s + "\": should match '" + schema.getPattern() + "'");
      }
      if (schema.getMaxLength() != null && s.length() > schema.getMaxLength()) {
        errors.add(at(path) + ": Too long: may not be more than " + schema.getMaxLength() + " bytes");
      }
      if (schema.getMinLength() != null && s.length() < schema.getMinLength()) {
        errors.add(at(path) + ": Invalid value: \"" + s + "\": should be at least " + schema.getMinLength() + " chars long");
      }
    }
    if (value instanceof Number n) {
      if (schema.getMinimum() != null && n.doubleValue() < schema.getMinimum()) {
        errors.add(at(path) + ": Invalid value: " + n + ": should be greater than or equal to " + schema.getMinimum().longValue());
      }
      if (schema.getMaximum() != null && n.doubleValue() > schema.getMaximum()) {
        errors.add(at(path) + ": Invalid value: " + n + ": should be less than or equal to " + schema.getMaximum().longValue());
      }
    }
    if (value instanceof List<?> list) {
      if (schema.getMaxItems() != null && list.size() > schema.getMaxItems()) {
        errors.add(at(path) + ": Too many: " + list.size() + ": must have at most " + schema.getMaxItems() + " items");
      }
      if (schema.getMinItems() != null && list.size() < schema.getMinItems()) {
        errors.add(at(path) + ": Invalid value: " + list.size() + ": should have at least " + schema.getMinItems() + " items");
      }
      if (schema.getItems() != null) {
        for (int i = 0; i < list.size(); i++) {
          check(path + "[" + i + "]", schema.getItems().getSchema(), list.get(i), errors);
        }
      }
    }
    if (value instanceof Map<?, ?> map) {
      var object = (Map<String, Object>) map;
      if (schema.getRequired() != null) {
        for (String required : schema.getRequired()) {
          if (!object.containsKey(required)) {
            errors.add(at(join(path, required)) + ": Required value");
          }
        }
      }
      boolean preserve = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
      for (var entry : object.entrySet()) {
        String child = join(path, entry.getKey());
        if (path.isEmpty() && (entry.getKey().equals("apiVersion") || entry.getKey().equals("kind") || entry.getKey().equals("metadata"))) {
          continue;
        }
        if (schema.getProperties() != null && schema.getProperties().containsKey(entry.getKey())) {
          check(child, schema.getProperties().get(entry.getKey()), entry.getValue(), errors);
        } else if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
          check(child, schema.getAdditionalProperties().getSchema(), entry.getValue(), errors);
        } else if (!preserve) {
          errors.add(at(child) + ": unknown field \"" + entry.getKey() + "\"");
        }
      }
    }
    if (schema.getXKubernetesValidations() != null) {
      for (ValidationRule rule : schema.getXKubernetesValidations()) {
        if (!Boolean.TRUE.equals(evaluate(rule.getRule(), value))) {
          String where = rule.getFieldPath() == null ? path : path + rule.getFieldPath();
          String message = rule.getMessage() != null ? rule.getMessage() : "failed rule: " + rule.getRule();
          errors.add(at(where) + ": Invalid value: " + message);
        }
      }
    }
  }

  /** Evaluates one CEL rule with {@code self} bound to the value. */
  public static Object evaluate(String rule, Object self) {
    try {
      var program =
          PROGRAMS.computeIfAbsent(
              rule,
              r -> {
                try {
                  return CEL.createProgram(CEL.compile(r).getAst());
                } catch (Exception e) {
                  throw new IllegalArgumentException("CEL rule does not compile: " + r + ": " + e.getMessage(), e);
                }
              });
      return program.eval(Map.of("self", self));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      // The API server reports a rule that errors at runtime as a failed validation too.
      return Boolean.FALSE;
    }
  }

  private static boolean hasType(String type, Object value) {
    return switch (type) {
      case "object" -> value instanceof Map<?, ?>;
      case "array" -> value instanceof List<?>;
      case "string" -> value instanceof String;
      case "integer" -> value instanceof Long;
      case "number" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      default -> true;
    };
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String at(String path) {
    return path.isEmpty() ? "<root>" : path;
  }

  @Override
  public String toString() {
    return "SchemaValidator[" + Objects.requireNonNullElse(root.getDescription(), "") + "]";
  }
}
