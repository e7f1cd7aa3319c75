package dev.studio.runtime.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small JSON schemas for tool arguments. */
public final class Schemas {
  static final ObjectMapper JSON = new ObjectMapper();

  private Schemas() {}

  /** {@code {"type": "object", "properties": {...}, "required": [...]}} from name/type/description triples. */
  public static JsonNode object(String[] required, String... properties) {
    ObjectNode schema = JSON.createObjectNode().put("type", "object");
    ObjectNode props = schema.putObject("properties");
    for (int i = 0; i + 2 < properties.length; i += 3) {
      props.putObject(properties[i]).put("type", properties[i + 1]).put("description", properties[i + 2]);
    }
    var list = schema.putArray("required");
    for (String name : required) {
      list.add(name);
    }
    schema.put("additionalProperties", false);
    return schema;
  }
}
