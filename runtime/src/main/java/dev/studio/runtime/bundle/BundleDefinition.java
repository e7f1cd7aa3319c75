package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A bundle.yaml: the agent's model, system prompt, tools and step limit, and its operations and
 * jobs as prompt templates. Every error names the field.
 *
 * @param model a model of the platform's provider; empty: the platform's model
 * @param tools the built-in tools the agent may use; empty: all of them
 * @param maxSteps model calls per run; empty: the platform's limit
 */
public record BundleDefinition(String name, String description, Optional<String> model, Optional<Template> system,
    Optional<Set<String>> tools, Optional<Integer> maxSteps, Map<String, Prompt> operations, Map<String, Prompt> jobs) {
  static final String FILE = "bundle.yaml";
  static final int MAX_STEPS = 100;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> FIELDS = Set.of("name", "description", "model", "system", "tools", "maxSteps", "operations", "jobs");
  private static final String NAME = "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$";

  /** An operation or a job: one model call with the rendered prompt. */
  public record Prompt(String description, Template prompt) {}

  /** Parses a bundle.yaml; {@code knownTools} are the tool names a bundle may ask for. */
  public static BundleDefinition parse(String yaml, Set<String> knownTools) throws InvalidBundle {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (Exception e) {
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new InvalidBundle(FILE + " is not valid YAML: " + message);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidBundle(FILE + " must be a mapping (name, system, tools, maxSteps, operations, jobs)");
    }
    for (var it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new InvalidBundle(FILE + ": unknown field '" + field + "' (known: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    Optional<Set<String>> tools = Optional.empty();
    if (root.has("tools")) {
      if (!root.get("tools").isArray()) {
        throw new InvalidBundle(FILE + ": tools must be a list of tool names");
      }
      Set<String> names = new LinkedHashSet<>();
      for (JsonNode tool : root.get("tools")) {
        if (!knownTools.contains(tool.asText())) {
          throw new InvalidBundle(FILE + ": tools: there is no tool named '" + tool.asText() + "' (known: "
              + String.join(", ", knownTools.stream().sorted().toList()) + ")");
        }
        names.add(tool.asText());
      }
      tools = Optional.of(Set.copyOf(names));
    }
    Optional<Integer> maxSteps = Optional.empty();
    if (root.has("maxSteps")) {
      JsonNode steps = root.get("maxSteps");
      if (!steps.canConvertToExactIntegral() || steps.asInt() < 1 || steps.asInt() > MAX_STEPS) {
        throw new InvalidBundle(FILE + ": maxSteps must be a whole number from 1 to " + MAX_STEPS);
      }
      maxSteps = Optional.of(steps.asInt());
    }
    Optional<Template> system = root.has("system") ? Optional.of(Template.parse(FILE + ": system", text(root, "system"))) : Optional.empty();
    return new BundleDefinition(optionalText(root, "name"), optionalText(root, "description"),
        Optional.ofNullable(optionalText(root, "model")), system, tools, maxSteps, prompts(root, "operations"), prompts(root, "jobs"));
  }

  private static Map<String, Prompt> prompts(JsonNode root, String field) throws InvalidBundle {
    Map<String, Prompt> prompts = new LinkedHashMap<>();
    if (!root.has(field)) {
      return prompts;
    }
    if (!root.get(field).isObject()) {
      throw new InvalidBundle(FILE + ": " + field + " must be a mapping of names to {prompt, description}");
    }
    for (var it = root.get(field).fields(); it.hasNext(); ) {
      var entry = it.next();
      String where = field + "." + entry.getKey();
      if (!entry.getKey().matches(NAME)) {
        throw new InvalidBundle(FILE + ": " + where + ": a name is letters, digits and _ . : - (at most 128)");
      }
      if (!entry.getValue().isObject() || !entry.getValue().path("prompt").isTextual() || entry.getValue().path("prompt").asText().isBlank()) {
        throw new InvalidBundle(FILE + ": " + where + ".prompt is required (the prompt template)");
      }
      prompts.put(entry.getKey(), new Prompt(optionalText(entry.getValue(), "description"),
          Template.parse(FILE + ": " + where + ".prompt", entry.getValue().get("prompt").asText())));
    }
    return java.util.Collections.unmodifiableMap(prompts);
  }

  private static String text(JsonNode node, String field) throws InvalidBundle {
    if (!node.get(field).isTextual()) {
      throw new InvalidBundle(FILE + ": " + field + " must be text");
    }
    return node.get(field).asText();
  }

  private static String optionalText(JsonNode node, String field) throws InvalidBundle {
    return node.has(field) ? text(node, field) : null;
  }
}
