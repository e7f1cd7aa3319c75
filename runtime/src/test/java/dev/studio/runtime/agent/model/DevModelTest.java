package dev.studio.runtime.agent.model;

import static dev.studio.runtime.agent.model.JsonText.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The offline {@code dev} model: deterministic answers, streamed word by word. */
class DevModelTest {
  private static final ToolSpec ECHO = new ToolSpec("echo", "Say the text back.", json("""
      {"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"""));
  private static final ToolSpec READ_FILE = new ToolSpec("read_file", "Read a file.", json("{\"type\":\"object\"}"));

  private final DevModel model = new DevModel();

  @Test
  void echoesWhatTheUserSaidWordByWord() throws Exception {
    var sink = new RecordingSink();

    ModelResponse answer = model.complete(ask(List.of(), new ChatMessage.User("hello there world")), sink);

    assertThat(sink.pieces()).containsExactly("Echo: ", "hello ", "there ", "world");
    assertThat(answer.text()).isEqualTo("Echo: hello there world");
    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.stopReason()).isEqualTo("end_turn");
    assertThat(answer.usage().outputTokens()).isEqualTo(4);
  }

  @Test
  void callsAnOfferedToolWithTheGivenArguments() throws Exception {
    var sink = new RecordingSink();

    ModelResponse answer = model.complete(ask(List.of(ECHO, READ_FILE), new ChatMessage.User("/tool echo {\"text\":\"hi\"}")), sink);

    assertThat(answer.toolCalls()).containsExactly(new ToolCall("dev_call_0", "echo", json("{\"text\":\"hi\"}")));
    assertThat(answer.text()).isEmpty();
    assertThat(answer.stopReason()).isEqualTo("tool_use");
    assertThat(sink.pieces()).isEmpty();
  }

  @Test
  void numbersItsToolCallsByTurnSoTheirIdsDiffer() throws Exception {
    var earlier = new ToolCall("dev_call_0", "echo", json("{\"text\":\"one\"}"));

    ModelResponse answer = model.complete(ask(List.of(ECHO),
        new ChatMessage.User("/tool echo {\"text\":\"one\"}"),
        new ChatMessage.Assistant("", List.of(earlier)),
        new ChatMessage.ToolResult("dev_call_0", "echo", "one", false),
        new ChatMessage.Assistant("Tool echo returned: one", List.of()),
        new ChatMessage.User("/tool echo {\"text\":\"two\"}")), new RecordingSink());

    assertThat(answer.toolCalls()).extracting(ToolCall::id).containsExactly("dev_call_2");
  }

  @Test
  void aToolThatIsNotOfferedGetsAnAnswerListingTheToolsThatAre() throws Exception {
    var sink = new RecordingSink();

    ModelResponse answer = model.complete(ask(List.of(READ_FILE, ECHO), new ChatMessage.User("/tool write_file {\"path\":\"a\"}")), sink);

    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.text()).isEqualTo("There is no tool named write_file. Tools: echo, read_file.");
    assertThat(String.join("", sink.pieces())).isEqualTo(answer.text());
  }

  @ParameterizedTest(name = "/tool echo {0}")
  @ValueSource(strings = {"[\"hi\"]", "\"hi\"", "{\"text\": ", "text=hi"})
  void argumentsThatAreNotAJsonObjectGetAnAnswerShowingTheFormat(String arguments) throws Exception {
    ModelResponse answer = model.complete(ask(List.of(ECHO), new ChatMessage.User("/tool echo " + arguments)), new RecordingSink());

    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.text()).isEqualTo("The arguments of /tool must be a JSON object, e.g. /tool echo {\"text\": \"hi\"}");
  }

  @Test
  void aToolDirectiveWithoutANameShowsTheUsage() throws Exception {
    ModelResponse answer = model.complete(ask(List.of(ECHO), new ChatMessage.User("/tool")), new RecordingSink());

    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.text()).isEqualTo("Usage: /tool <name> <json-args>");
  }

  @Test
  void reportsWhatTheToolReturned() throws Exception {
    var sink = new RecordingSink();

    ModelResponse answer = model.complete(afterTool(new ChatMessage.ToolResult("dev_call_0", "echo", "hi", false)), sink);

    assertThat(answer.text()).isEqualTo("Tool echo returned: hi");
    assertThat(sink.pieces()).containsExactly("Tool ", "echo ", "returned: ", "hi");
    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.stopReason()).isEqualTo("end_turn");
  }

  @Test
  void reportsThatTheToolFailed() throws Exception {
    ModelResponse answer = model.complete(afterTool(new ChatMessage.ToolResult("dev_call_0", "echo", "no text given", true)),
        new RecordingSink());

    assertThat(answer.text()).isEqualTo("Tool echo failed: no text given");
  }

  @Test
  void slowPausesBeforeEachWord() throws Exception {
    var sink = new RecordingSink();

    long start = System.nanoTime();
    ModelResponse answer = model.complete(ask(List.of(), new ChatMessage.User("/slow 50 a b")), sink);

    assertThat(answer.text()).isEqualTo("Echo: a b");
    assertThat(sink.pieces()).containsExactly("Echo: ", "a ", "b");
    List<Long> gaps = new ArrayList<>();
    long previous = start;
    for (long arrival : sink.arrivals()) {
      gaps.add(TimeUnit.NANOSECONDS.toMillis(arrival - previous));
      previous = arrival;
    }
    assertThat(gaps).as("ms before each word").hasSize(3).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(45));
  }

  @Test
  void slowAlsoCarriesAToolDirectiveAndSlowsTheReportAfterTheTool() throws Exception {
    var directive = new ChatMessage.User("/slow 30 /tool echo {\"text\":\"hi\"}");

    ModelResponse call = model.complete(ask(List.of(ECHO), directive), new RecordingSink());
    assertThat(call.toolCalls()).containsExactly(new ToolCall("dev_call_0", "echo", json("{\"text\":\"hi\"}")));

    var sink = new RecordingSink();
    long start = System.nanoTime();
    ModelResponse report = model.complete(ask(List.of(ECHO), directive, new ChatMessage.Assistant("", call.toolCalls()),
        new ChatMessage.ToolResult("dev_call_0", "echo", "hi", false)), sink);

    assertThat(report.text()).isEqualTo("Tool echo returned: hi");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("four words, 30 ms before each").isGreaterThanOrEqualTo(120);
  }

  private static ModelRequest ask(List<ToolSpec> tools, ChatMessage... messages) {
    return new ModelRequest("You are the dev model.", List.of(messages), tools, 256);
  }

  private static ModelRequest afterTool(ChatMessage.ToolResult result) {
    return ask(List.of(ECHO),
        new ChatMessage.User("/tool echo {\"text\":\"hi\"}"),
        new ChatMessage.Assistant("", List.of(new ToolCall("dev_call_0", "echo", json("{\"text\":\"hi\"}")))),
        result);
  }
}
