package dev.studio.runtime.agent.model;

import static dev.studio.runtime.agent.model.JsonText.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.Secret;
import dev.studio.runtime.agent.model.ScriptedServer.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link AnthropicModel} against a local server speaking the Messages API's streaming wire format. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AnthropicModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Secret KEY = new Secret("sk-ant-api03-test-Zx81kQ-do-not-leak");
  private static final ModelHttp.Limits FAST = limits(Duration.ofSeconds(3), Duration.ofSeconds(3), 3);

  private static final ToolSpec READ_FILE = new ToolSpec("read_file", "Read a file of the workspace.", json("""
      {"type":"object","properties":{"path":{"type":"string","description":"Relative to the workspace root"}},"required":["path"]}"""));
  private static final ToolSpec GET_WEATHER = new ToolSpec("get_weather", "Get the current weather in a given location", json("""
      {"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}"""));

  private ScriptedServer provider;

  @BeforeEach
  void startProvider() throws IOException {
    provider = ScriptedServer.start();
  }

  @AfterEach
  void stopProvider() {
    provider.close();
  }

  // --- Streaming text -----------------------------------------------------------------------

  @Test
  void streamsTextToTheSinkPieceByPieceAndReturnsTheWholeAnswer() throws Exception {
    provider.reply(Reply.stream(
        messageStart(25),
        event("content_block_start", """
            {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        event("ping", """
            {"type": "ping"}"""),
        textDelta(0, "Hello"),
        textDelta(0, "! How can"),
        textDelta(0, " I help you today?"),
        blockStop(0),
        messageDelta("end_turn", 15),
        messageStop()));
    var sink = new RecordingSink();

    ModelResponse answer = model().complete(ask("Hi"), sink);

    assertThat(sink.pieces()).containsExactly("Hello", "! How can", " I help you today?");
    assertThat(answer.text()).isEqualTo("Hello! How can I help you today?");
    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.stopReason()).isEqualTo("end_turn");
    assertThat(answer.usage()).isEqualTo(new ModelResponse.Usage(25, 15));
  }

  @Test
  void textReachesTheSinkWhileTheAnswerIsStillStreaming() throws Exception {
    var sink = new RecordingSink();
    provider.reply(Reply.stream(messageStart(10), textBlockStart(0), textDelta(0, "First"))
        .until("the first piece in the sink", () -> sink.got("First"))
        .then(textDelta(0, " and second."), blockStop(0), messageDelta("end_turn", 4), messageStop()));

    ModelResponse answer = model().complete(ask("Hi"), sink);

    assertThat(sink.pieces()).containsExactly("First", " and second.");
    assertThat(answer.text()).isEqualTo("First and second.");
  }

  // --- Tool calls ---------------------------------------------------------------------------

  @Test
  void assemblesEachToolUseBlockFromItsJsonFragments() throws Exception {
    provider.reply(Reply.stream(
        messageStart(472),
        textBlockStart(0),
        textDelta(0, "I'll read the file"),
        textDelta(0, " and check the weather."),
        blockStop(0),
        event("content_block_start", """
            {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"read_file","input":{}}}"""),
        jsonDelta(1, ""),
        jsonDelta(1, "{\"pa"),
        jsonDelta(1, "th\": \"READ"),
        jsonDelta(1, "ME.md\"}"),
        blockStop(1),
        event("content_block_start", """
            {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01HcPbxzB7ZeRzZUJw2VmdEo","name":"get_weather","input":{}}}"""),
        jsonDelta(2, "{\"location\":"),
        jsonDelta(2, " \"San Francisco, CA\", \"unit\": \"cel"),
        jsonDelta(2, "sius\"}"),
        blockStop(2),
        messageDelta("tool_use", 89),
        messageStop()));
    var sink = new RecordingSink();

    ModelResponse answer = model().complete(ask("What does README.md say, and the weather in SF?"), sink);

    assertThat(answer.text()).isEqualTo("I'll read the file and check the weather.");
    assertThat(sink.pieces()).containsExactly("I'll read the file", " and check the weather.");
    assertThat(answer.toolCalls()).containsExactly(
        new ToolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "read_file", json("{\"path\":\"README.md\"}")),
        new ToolCall("toolu_01HcPbxzB7ZeRzZUJw2VmdEo", "get_weather", json("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}")));
    assertThat(answer.stopReason()).isEqualTo("tool_use");
    assertThat(answer.usage()).isEqualTo(new ModelResponse.Usage(472, 89));
  }

  @Test
  void aToolCalledWithoutArgumentsGetsAnEmptyObject() throws Exception {
    provider.reply(Reply.stream(
        messageStart(50),
        event("content_block_start", """
            {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_01NoArgs","name":"list_files","input":{}}}"""),
        jsonDelta(0, ""),
        blockStop(0),
        messageDelta("tool_use", 12),
        messageStop()));

    ModelResponse answer = model().complete(ask("What is there?"), new RecordingSink());

    assertThat(answer.toolCalls()).containsExactly(new ToolCall("toolu_01NoArgs", "list_files", json("{}")));
  }

  // --- The request --------------------------------------------------------------------------

  @Test
  void sendsTheConversationAndToolsInTheMessagesApiFormat() throws Exception {
    provider.reply(endTurn("Done."));
    var request = new ModelRequest("You are a careful assistant.", List.of(
        new ChatMessage.User("What does README.md say, and is it raining in Paris?"),
        new ChatMessage.Assistant("Let me look at both.", List.of(
            new ToolCall("toolu_01A", "read_file", json("{\"path\":\"README.md\"}")),
            new ToolCall("toolu_01B", "get_weather", json("{\"location\":\"Paris\"}")))),
        new ChatMessage.ToolResult("toolu_01A", "read_file", "# Studio\nAgents at work.", false),
        new ChatMessage.ToolResult("toolu_01B", "get_weather", "the weather service is down", true)),
        List.of(READ_FILE, GET_WEATHER), 1024);

    model().complete(request, new RecordingSink());

    var sent = provider.onlyRequest();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.header("x-api-key")).isEqualTo(KEY.reveal());
    assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.header("content-type")).isEqualTo("application/json");
    assertThat(sent.header("accept")).isEqualTo("text/event-stream");
    assertThat(sent.headers()).doesNotContainKey("authorization");
    assertThat(sent.body()).isEqualTo(json("""
        {
          "model": "claude-sonnet-4-5",
          "max_tokens": 1024,
          "stream": true,
          "system": "You are a careful assistant.",
          "messages": [
            {"role": "user", "content": [
              {"type": "text", "text": "What does README.md say, and is it raining in Paris?"}]},
            {"role": "assistant", "content": [
              {"type": "text", "text": "Let me look at both."},
              {"type": "tool_use", "id": "toolu_01A", "name": "read_file", "input": {"path": "README.md"}},
              {"type": "tool_use", "id": "toolu_01B", "name": "get_weather", "input": {"location": "Paris"}}]},
            {"role": "user", "content": [
              {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "# Studio\\nAgents at work.", "is_error": false},
              {"type": "tool_result", "tool_use_id": "toolu_01B", "content": "the weather service is down", "is_error": true}]}
          ],
          "tools": [
            {"name": "read_file", "description": "Read a file of the workspace.", "input_schema":
              {"type": "object", "properties": {"path": {"type": "string", "description": "Relative to the workspace root"}}, "required": ["path"]}},
            {"name": "get_weather", "description": "Get the current weather in a given location", "input_schema":
              {"type": "object", "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
               "required": ["location"]}}
          ]
        }"""));
  }

  @Test
  void leavesOutTheSystemPromptAndToolsWhenThereAreNone() throws Exception {
    provider.reply(endTurn("Hi."));

    model().complete(new ModelRequest("  ", List.of(new ChatMessage.User("Hi")), List.of(), 64), new RecordingSink());

    assertThat(provider.onlyRequest().body()).isEqualTo(json("""
        {"model": "claude-sonnet-4-5", "max_tokens": 64, "stream": true,
         "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}"""));
  }

  @Test
  void aBaseUrlWithATrailingSlashStillPostsToV1Messages() throws Exception {
    provider.reply(endTurn("Hi."));

    new AnthropicModel(provider.baseUrl() + "/", null, KEY, FAST).complete(ask("Hi"), new RecordingSink());

    assertThat(provider.onlyRequest().path()).isEqualTo("/v1/messages");
    assertThat(provider.onlyRequest().body().path("model").asText()).isEqualTo(AnthropicModel.DEFAULT_MODEL);
  }

  // --- Retries ------------------------------------------------------------------------------

  @Test
  void aRateLimitIsRetriedAfterTheWaitRetryAfterAsksFor() throws Exception {
    provider.reply(
        Reply.json(429, error("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"))
            .header("retry-after", "1"),
        endTurn("Made it."));
    var patient = new AnthropicModel(provider.baseUrl(), null, KEY,
        new ModelHttp.Limits(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(3), 3, Duration.ofMillis(10), Duration.ofSeconds(5)));

    ModelResponse answer = patient.complete(ask("Hi"), new RecordingSink());

    assertThat(answer.text()).isEqualTo("Made it.");
    List<ScriptedServer.Received> requests = provider.requests();
    assertThat(requests).hasSize(2);
    assertThat(TimeUnit.NANOSECONDS.toMillis(requests.get(1).atNanos() - requests.get(0).atNanos()))
        .as("the pause between the two attempts, in ms").isGreaterThanOrEqualTo(1000);
    assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {500, 503, 529})
  void anOverloadedOrFailingProviderIsRetried(int status) throws Exception {
    provider.reply(Reply.json(status, error(status == 529 ? "overloaded_error" : "api_error", "Overloaded")), endTurn("Back."));
    var sink = new RecordingSink();

    ModelResponse answer = model().complete(ask("Hi"), sink);

    assertThat(answer.text()).isEqualTo("Back.");
    assertThat(sink.pieces()).containsExactly("Back.");
    assertThat(provider.requests()).hasSize(2);
  }

  @Test
  void aDroppedConnectionIsRetried() throws Exception {
    provider.reply(Reply.drop(), endTurn("Back."));

    ModelResponse answer = model().complete(ask("Hi"), new RecordingSink());

    assertThat(answer.text()).isEqualTo("Back.");
    assertThat(provider.requests()).hasSize(2);
  }

  @Test
  void aBadRequestIsNotRetriedAndSaysWhatTheProviderSaid() {
    provider.reply(Reply.json(400, error("invalid_request_error",
        "max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5")));

    ModelException failure = failure(() -> model().complete(ask("Hi"), new RecordingSink()));

    assertThat(failure.getMessage()).contains("400")
        .contains("max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5");
    assertThat(failure.retryable()).isFalse();
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void givesUpAfterTheLastAttemptWithAnErrorWorthRetryingLater() {
    provider.reply(
        Reply.json(529, error("overloaded_error", "Overloaded")),
        Reply.json(529, error("overloaded_error", "Overloaded")),
        Reply.json(529, error("overloaded_error", "Overloaded")),
        endTurn("Too late."));

    ModelException failure = failure(() -> model().complete(ask("Hi"), new RecordingSink()));

    assertThat(failure.getMessage()).contains("529").contains("Overloaded");
    assertThat(failure.retryable()).isTrue();
    assertThat(provider.requests()).hasSize(3);
  }

  @Test
  void anUnreachableProviderFailsAfterItsAttemptsSayingSo() throws Exception {
    var model = new AnthropicModel("http://127.0.0.1:" + closedPort(), null, KEY, FAST);

    ModelException failure = failure(() -> model.complete(ask("Hi"), new RecordingSink()));

    assertThat(failure.getMessage()).startsWith("anthropic is unreachable: ").doesNotContain("null");
    assertThat(failure.retryable()).isTrue();
  }

  // --- Failures in the stream ---------------------------------------------------------------

  @Test
  void anErrorEventMidStreamFailsTheCallWithoutRetrying() {
    provider.reply(Reply.stream(
        messageStart(12),
        textBlockStart(0),
        textDelta(0, "Let me"),
        event("error", """
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}""")));
    var sink = new RecordingSink();

    ModelException failure = failure(() -> model().complete(ask("Hi"), sink));

    assertThat(failure.getMessage()).contains("overloaded_error").contains("Overloaded");
    assertThat(failure.retryable()).isTrue();
    assertThat(sink.pieces()).containsExactly("Let me");
    assertThat(provider.requests()).as("text already reached the user: no silent retry").hasSize(1);
  }

  @Test
  void aStreamCutOffBeforeMessageStopFails() {
    provider.reply(Reply.stream(messageStart(12), textBlockStart(0), textDelta(0, "Half an")));

    ModelException failure = failure(() -> model().complete(ask("Hi"), new RecordingSink()));

    assertThat(failure.getMessage()).contains("message_stop");
    assertThat(failure.retryable()).isTrue();
  }

  // --- Timeouts -----------------------------------------------------------------------------

  @Test
  void aProviderThatNeverAnswersFailsWithinTheFirstByteTimeout() {
    provider.reply(Reply.hang());
    var model = new AnthropicModel(provider.baseUrl(), null, KEY, limits(Duration.ofMillis(300), Duration.ofSeconds(3), 1));

    long start = System.nanoTime();
    ModelException failure = failure(() -> model.complete(ask("Hi"), new RecordingSink()));

    assertThat(millisSince(start)).isBetween(250L, 2000L);
    assertThat(failure.getMessage()).contains("did not answer");
    assertThat(failure.retryable()).isTrue();
  }

  @Test
  void aStreamThatFallsSilentMidwayFailsWithinTheIdleTimeout() {
    provider.reply(Reply.stream(messageStart(12), textBlockStart(0), textDelta(0, "Thinking")).thenHang());
    var model = new AnthropicModel(provider.baseUrl(), null, KEY, limits(Duration.ofSeconds(3), Duration.ofMillis(300), 1));
    var sink = new RecordingSink();

    long start = System.nanoTime();
    ModelException failure = failure(() -> model.complete(ask("Hi"), sink));

    assertThat(millisSince(start)).isBetween(250L, 2000L);
    assertThat(failure.getMessage()).contains("sent nothing");
    assertThat(failure.retryable()).isTrue();
    assertThat(sink.pieces()).containsExactly("Thinking");
  }

  @Test
  void aSlowButSteadyStreamOutlivesTheFirstByteAndIdleTimeouts() throws Exception {
    Duration gap = Duration.ofMillis(100);
    provider.reply(Reply.stream(messageStart(12), textBlockStart(0), textDelta(0, "one"))
        .pause(gap).then(textDelta(0, " two"))
        .pause(gap).then(textDelta(0, " three"))
        .pause(gap).then(textDelta(0, " four"))
        .pause(gap).then(textDelta(0, " five"), blockStop(0), messageDelta("end_turn", 5), messageStop()));
    var model = new AnthropicModel(provider.baseUrl(), null, KEY, limits(Duration.ofMillis(250), Duration.ofMillis(300), 1));

    long start = System.nanoTime();
    ModelResponse answer = model.complete(ask("Count"), new RecordingSink());

    assertThat(answer.text()).isEqualTo("one two three four five");
    assertThat(millisSince(start)).as("the whole stream took longer than the first-byte timeout").isGreaterThan(250);
  }

  // --- The key ------------------------------------------------------------------------------

  @Test
  void theApiKeyNeverAppearsInAnErrorMessage() throws Exception {
    List<ModelException> failures = new ArrayList<>();
    provider.reply(Reply.json(401, error("authentication_error", "invalid x-api-key")));
    failures.add(failure(() -> model().complete(ask("Hi"), new RecordingSink())));
    provider.reply(Reply.json(401, error("authentication_error", "invalid x-api-key: " + KEY.reveal())));
    failures.add(failure(() -> model().complete(ask("Hi"), new RecordingSink())));
    provider.reply(Reply.json(403, "{\"error\": \"key " + KEY.reveal() + " is not allowed to use claude-sonnet-4-5\"}"));
    failures.add(failure(() -> model().complete(ask("Hi"), new RecordingSink())));
    provider.reply(Reply.hang());
    failures.add(failure(() -> new AnthropicModel(provider.baseUrl(), null, KEY, limits(Duration.ofMillis(200), Duration.ofSeconds(3), 1))
        .complete(ask("Hi"), new RecordingSink())));
    provider.reply(Reply.stream(messageStart(1)).thenHang());
    failures.add(failure(() -> new AnthropicModel(provider.baseUrl(), null, KEY, limits(Duration.ofSeconds(3), Duration.ofMillis(200), 1))
        .complete(ask("Hi"), new RecordingSink())));
    failures.add(failure(() -> new AnthropicModel("http://127.0.0.1:" + closedPort(), null, KEY, limits(Duration.ofSeconds(1), Duration.ofSeconds(1), 2))
        .complete(ask("Hi"), new RecordingSink())));

    assertThat(failures).hasSize(6).allSatisfy(failure -> {
      assertThat(failure.getMessage()).isNotBlank().doesNotContain(KEY.reveal());
      assertThat(failure.toString()).doesNotContain(KEY.reveal());
    });
    assertThat(failures.get(1).getMessage()).contains("401").contains("invalid x-api-key");
  }

  // --- Helpers ------------------------------------------------------------------------------

  private AnthropicModel model() {
    return new AnthropicModel(provider.baseUrl(), null, KEY, FAST);
  }

  private static ModelHttp.Limits limits(Duration firstByte, Duration idle, int attempts) {
    return new ModelHttp.Limits(Duration.ofSeconds(1), firstByte, idle, attempts, Duration.ofMillis(10), Duration.ofMillis(40));
  }

  private static ModelRequest ask(String text) {
    return new ModelRequest("Be brief.", List.of(new ChatMessage.User(text)), List.of(), 256);
  }

  private static ModelException failure(ThrowingCallable call) {
    ModelException failure = catchThrowableOfType(ModelException.class, call);
    assertThat(failure).as("a ModelException").isNotNull();
    return failure;
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static int closedPort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A whole answer of one text block, as the Messages API streams it. */
  private static Reply endTurn(String text) {
    return Reply.stream(messageStart(10), textBlockStart(0), textDelta(0, text), blockStop(0), messageDelta("end_turn", 3), messageStop());
  }

  private static String event(String type, String data) {
    return "event: " + type + "\ndata: " + data + "\n\n";
  }

  private static String messageStart(int inputTokens) {
    return event("message_start", """
        {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[],\
        "model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":%d,"output_tokens":1}}}"""
        .formatted(inputTokens));
  }

  private static String textBlockStart(int index) {
    return event("content_block_start", """
        {"type":"content_block_start","index":%d,"content_block":{"type":"text","text":""}}""".formatted(index));
  }

  private static String textDelta(int index, String text) {
    var data = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
    data.putObject("delta").put("type", "text_delta").put("text", text);
    return event("content_block_delta", data.toString());
  }

  private static String jsonDelta(int index, String partialJson) {
    var data = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
    data.putObject("delta").put("type", "input_json_delta").put("partial_json", partialJson);
    return event("content_block_delta", data.toString());
  }

  private static String blockStop(int index) {
    return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
  }

  private static String messageDelta(String stopReason, int outputTokens) {
    return event("message_delta", """
        {"type":"message_delta","delta":{"stop_reason":"%s","stop_sequence":null},"usage":{"output_tokens":%d}}"""
        .formatted(stopReason, outputTokens));
  }

  private static String messageStop() {
    return event("message_stop", "{\"type\":\"message_stop\"}");
  }

  private static String error(String type, String message) {
    return JSON.createObjectNode().put("type", "error")
        .set("error", JSON.createObjectNode().put("type", type).put("message", message)).toString();
  }
}
