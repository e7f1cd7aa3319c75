package dev.studio.runtime.bundle;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.bundle.spi.BundleContext;
import java.util.Map;
import java.util.function.Supplier;

/** A bundle's context: its props and secrets are read when asked, so they are always the current ones. */
record LiveContext(String name, String revision, Supplier<JsonNode> currentProps, Supplier<Map<String, String>> currentSecrets)
    implements BundleContext {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Map<String, Object> props() {
    return Json.toMap(currentProps.get());
  }

  @Override
  public Map<String, String> secrets() {
    return Map.copyOf(currentSecrets.get());
  }

  @Override
  public System.Logger logger() {
    return System.getLogger("bundle." + name);
  }

  @Override
  public String toString() {
    return "BundleContext[" + name + " " + revision + "]"; // never the secrets
  }

  /** JSON across the SPI boundary: JDK maps, lists and scalars. */
  static final class Json {
    private Json() {}

    static Map<String, Object> toMap(JsonNode node) {
      return node == null || !node.isObject() ? Map.of() : JSON.convertValue(node, new TypeReference<Map<String, Object>>() {});
    }

    static JsonNode toJson(Object value) {
      return JSON.valueToTree(value);
    }
  }
}
