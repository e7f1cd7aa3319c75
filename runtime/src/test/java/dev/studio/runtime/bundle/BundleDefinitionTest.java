package dev.studio.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** bundle.yaml: what it says, and an error naming the field for what is wrong. */
class BundleDefinitionTest {
  static final Set<String> TOOLS = Set.of("time", "note");
  static final ObjectMapper JSON = new ObjectMapper();

  static BundleDefinition parse(String yaml) throws InvalidBundle {
    return BundleDefinition.parse(yaml, TOOLS);
  }

  @Test
  void everyField() throws Exception {
    var spec = parse("""
        name: helper
        description: helps
        model: small
        system: "You help {{props.team}}."
        tools: [time]
        maxSteps: 3
        operations:
          ask: {prompt: "Answer {{input.question}} for {{user.name}}", description: asks}
        jobs:
          digest: {prompt: "Digest of {{payload.day}}"}
        """);
    assertThat(spec.model()).contains("small");
    assertThat(spec.tools()).contains(Set.of("time"));
    assertThat(spec.maxSteps()).contains(3);
    assertThat(spec.system().orElseThrow().render(Map.of("props", json("{\"team\":\"Acme\"}")))).isEqualTo("You help Acme.");
    var ask = spec.operations().get("ask").prompt();
    assertThat(ask.fields("input")).containsExactly("question");
    assertThat(ask.missing("input", json("{}"))).containsExactly("question");
    assertThat(ask.render(Map.of("input", json("{\"question\":\"why\"}"), "user", json("{\"name\":\"Ada\"}"))))
        .isEqualTo("Answer why for Ada");
    assertThat(spec.jobs()).containsKey("digest");
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(() -> parse("sytem: typo\n")).hasMessageContaining("unknown field 'sytem'");
    assertThatThrownBy(() -> parse("tools: [time, shell]\n")).hasMessageContaining("tools: there is no tool named 'shell'");
    assertThatThrownBy(() -> parse("maxSteps: 0\n")).hasMessageContaining("maxSteps must be a whole number from 1 to 100");
    assertThatThrownBy(() -> parse("maxSteps: 2.5\n")).hasMessageContaining("maxSteps");
    assertThatThrownBy(() -> parse("operations: {ask: {}}\n")).hasMessageContaining("operations.ask.prompt is required");
    assertThatThrownBy(() -> parse("jobs: {run: {prompt: \"{{secret.key}}\"}}\n"))
        .hasMessageContaining("jobs.run.prompt: unknown placeholder scope 'secret'");
    assertThatThrownBy(() -> parse("- a list\n")).hasMessageContaining("must be a mapping");
  }

  @Test
  void aValueThatIsAbsentRendersEmptyAndTemplatesAreNotInterpretedTwice() throws Exception {
    var template = Template.parse("t", "[{{input.a}}] [{{input.b}}]");
    assertThat(template.render(Map.of("input", json("{\"a\":\"{{input.b}} $1\"}")))).isEqualTo("[{{input.b}} $1] []");
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
