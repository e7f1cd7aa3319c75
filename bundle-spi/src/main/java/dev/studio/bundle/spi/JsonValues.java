package dev.studio.bundle.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON objects keep their order and may hold nulls, which {@link Map#copyOf} refuses. */
final class JsonValues {
  private JsonValues() {}

  static Map<String, Object> copy(Map<String, Object> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
