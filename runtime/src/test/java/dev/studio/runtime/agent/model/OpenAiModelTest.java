package dev.studio.runtime.agent.model;

import static dev.studio.runtime.agent.model.JsonText.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.Secret;
import dev.studio.runtime.agent.model.ScriptedServer.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link OpenAiModel} against a local server speaking the chat completions streaming wire format. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OpenAiModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Secret KEY = new Secret("sk-proj-test-9QwErTy-do-not-leak");
  private static final ModelHttp.Limits FAST = limits(Duration.ofSeconds(3), Duration.ofSeconds(3), 3);
  private static final String DONE = "data: [DONE]\n\n";

  private static final ToolSpec READ_FILE = new ToolSpec("read_file", "Read a file of the workspace.", json("""
      {"type":"object","properties":{"path":{"type":"string"}},"required":["path"],"additionalProperties":false}"""));
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
        chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null),
        content("Hello"),
        content("! How can"),
        content(" I help you today?"),
        chunk("{}", "stop"),
        usage(19, 10),
        DONE));
    var sink = new RecordingSink();

    ModelResponse answer = model().complete(ask("Hi"), sink);

    assertThat(sink.pieces()).containsExactly("Hello", "! How can", " I help you today?");
    assertThat(answer.text()).isEqualTo("Hello! How can I help you today?");
    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.stopReason()).isEqualTo("stop");
    assertThat(answer.usage()).isEqualTo(new ModelResponse.Usage(19, 10));
  }

  @Test
  void textReachesTheSinkWhileTheAnswerIsStillStreaming() throws Exception {
    var sink = new RecordingSink();
    provider.reply(Reply.stream(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null), content("First"))
        .until("the first piece in the sink", () -> sink.got("First"))
        .then(content(" and second."), chunk("{}", "stop"), DONE));

    ModelResponse answer = model().complete(ask("Hi"), sink);

    assertThat(sink.pieces()).containsExactly("First", " and second.");
    assertThat(answer.text()).isEqualTo("First and second.");
  }

  // --- Tool calls ---------------------------------------------------------------------------

  @Test
  void assemblesIndexedToolCallFragmentsIntoToolCalls() throws Exception {
    provider.reply(Reply.stream(
        chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
        content("Let me check"),
        content(" both."),
        toolCallStart(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "read_file"),
        toolArguments(0, "{\"pa"),
        toolArguments(0, "th\": \"READ"),
        toolArguments(0, "ME.md\"}"),
        toolCallStart(1, "call_ABHv5T3MyZYNPlbYUuqfaGhL", "get_weather"),
        toolArguments(1, "{\"location\": \"Paris"),
        toolArguments(1, ", France\", \"unit\": \"celsius\"}"),
        chunk("{}", "tool_calls"),
        usage(82, 58),
        DONE));
    var sink = new RecordingSink();

    ModelResponse answer = model().complete(ask("What does README.md say, and the weather in Paris?"), sink);

    assertThat(answer.text()).isEqualTo("Let me check both.");
    assertThat(sink.pieces()).containsExactly("Let me check", " both.");
    assertThat(answer.toolCalls()).containsExactly(
        new ToolCall("call_DdmO9pD3xa9XTPNJ32zg2hcA", "read_file", json("{\"path\":\"README.md\"}")),
        new ToolCall("call_ABHv5T3MyZYNPlbYUuqfaGhL", "get_weather", json("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}")));
    assertThat(answer.stopReason()).isEqualTo("tool_calls");
    assertThat(answer.usage()).isEqualTo(new ModelResponse.Usage(82, 58));
  }

  // --- The request --------------------------------------------------------------------------

  @Test
  void sendsTheConversationAndToolsInTheChatCompletionsFormat() throws Exception {
    provider.reply(stop("Done."));
    var request = new ModelRequest("You are a careful assistant.", List.of(
        new ChatMessage.User("What does README.md say, and is it raining in Paris?"),
        new ChatMessage.Assistant("", List.of(
            new ToolCall("call_A", "read_file", json("{\"path\":\"README.md\"}")),
            new ToolCall("call_B", "get_weather", json("{\"location\":\"Paris\"}")))),
        new ChatMessage.ToolResult("call_A", "read_file", "# Studio\nAgents at work.", false),
        new ChatMessage.ToolResult("call_B", "get_weather", "the weather service is down", true),
        new ChatMessage.Assistant("The README introduces Studio; the weather is unknown.", List.of()),
        new ChatMessage.User("Thanks!")),
        List.of(READ_FILE, GET_WEATHER), 1024);

    new OpenAiModel(provider.baseUrl() + "/v1", "gpt-4o-mini", Optional.of(KEY), FAST).complete(request, new RecordingSink());

    var sent = provider.onlyRequest();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.header("authorization")).isEqualTo("Bearer " + KEY.reveal());
    assertThat(sent.header("content-type")).isEqualTo("application/json");
    assertThat(sent.header("accept")).isEqualTo("text/event-stream");
    assertThat(sent.body()).isEqualTo(json("""
        {
          "model": "gpt-4o-mini",
          "stream": true,
          "stream_options": {"include_usage": true},
          "max_tokens": 1024,
          "messages": [
            {"role": "system", "content": "You are a careful assistant."},
            {"role": "user", "content": "What does README.md say, and is it raining in Paris?"},
            {"role": "assistant", "content": null, "tool_calls": [
              {"id": "call_A", "type": "function", "function": {"name": "read_file", "arguments": "{\\"path\\":\\"README.md\\"}"}},
              {"id": "call_B", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Paris\\"}"}}]},
            {"role": "tool", "tool_call_id": "call_A", "content": "# Studio\\nAgents at work."},
            {"role": "tool", "tool_call_id": "call_B", "content": "the weather service is down"},
            {"role": "assistant", "content": "The README introduces Studio; the weather is unknown."},
            {"role": "user", "content": "Thanks!"}
          ],
          "tools": [
            {"type": "function", "function": {"name": "read_file", "description": "Read a file of the workspace.", "parameters":
              {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"], "additionalProperties": false}}},
            {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a given location", "parameters":
              {"type": "object", "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
               "required": ["location"]}}}
          ]
        }"""));
  }

  @Test
  void withoutAKeySendsNoAuthorizationHeader() throws Exception {
    provider.reply(stop("Hi."));
    var local = new OpenAiModel(provider.baseUrl() + "/v1/", "llama3.2", Optional.empty(), FAST);

    local.complete(new ModelRequest(null, List.of(new ChatMessage.User("Hi")), null, 64), new RecordingSink());

    var sent = provider.onlyRequest();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.headers()).doesNotContainKey("authorization");
    assertThat(sent.body()).isEqualTo(json("""
        {"model": "llama3.2", "stream": true, "stream_options": {"include_usage": true}, "max_tokens": 64,
         "messages": [{"role": "user", "content": "Hi"}]}"""));
  }

  // --- Retries ------------------------------------------------------------------------------

  @Test
  void aRateLimitIsRetriedWaitingNoLongerThanTheLongestBackoff() throws Exception {
    provider.reply(
        Reply.json(429, error("Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 200000, Used 200000.",
            "tokens", "rate_limit_exceeded")).header("retry-after", "1"),
        stop("Made it."));

    long start = System.nanoTime();
    ModelResponse answer = model().complete(ask("Hi"), new RecordingSink()); // the longest backoff is 40 ms

    assertThat(answer.text()).isEqualTo("Made it.");
    assertThat(provider.requests()).hasSize(2);
    assertThat(millisSince(start)).as("retry-after: 1 capped to the longest backoff").isLessThan(900);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {500, 503, 529})
  void anOverloadedOrFailingProviderIsRetried(int status) throws Exception {
    provider.reply(Reply.json(status, error("The server had an error while processing your request. Sorry about that!", "server_error", null)),
        stop("Back."));
    var sink = new RecordingSink();

    ModelResponse answer = model().complete(ask("Hi"), sink);

    assertThat(answer.text()).isEqualTo("Back.");
    assertThat(sink.pieces()).containsExactly("Back.");
    assertThat(provider.requests()).hasSize(2);
  }

  @Test
  void aBadRequestIsNotRetriedAndSaysWhatTheProviderSaid() {
    String why = "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
    provider.reply(Reply.json(400, error(why, "invalid_request_error", null)));

    ModelException failure = failure(() -> model().complete(ask("Hi"), new RecordingSink()));

    assertThat(failure.getMessage()).contains("400").contains(why);
    assertThat(failure.retryable()).isFalse();
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void givesUpAfterTheLastAttemptWithAnErrorWorthRetryingLater() {
    String why = "The engine is currently overloaded, please try again later";
    provider.reply(
        Reply.json(503, error(why, "server_error", null)),
        Reply.json(503, error(why, "server_error", null)),
        Reply.json(503, error(why, "server_error", null)),
        stop("Too late."));

    ModelException failure = failure(() -> model().complete(ask("Hi"), new RecordingSink()));

    assertThat(failure.getMessage()).contains("503").contains(why);
    assertThat(failure.retryable()).isTrue();
    assertThat(provider.requests()).hasSize(3);
  }

  // --- Failures in the stream ---------------------------------------------------------------

  @Test
  void anErrorChunkMidStreamFailsTheCall() {
    provider.reply(Reply.stream(
        chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
        content("Let me"),
        "data: " + error("The server had an error while processing your request. Sorry about that!", "server_error", null) + "\n\n"));
    var sink = new RecordingSink();

    ModelException failure = failure(() -> model().complete(ask("Hi"), sink));

    assertThat(failure.getMessage()).contains("The server had an error while processing your request");
    assertThat(sink.pieces()).containsExactly("Let me");
    assertThat(provider.requests()).as("text already reached the user: no silent retry").hasSize(1);
  }

  @Test
  void aStreamCutOffBeforeDoneFails() {
    provider.reply(Reply.stream(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null), content("Half an")));

    ModelException failure = failure(() -> model().complete(ask("Hi"), new RecordingSink()));

    assertThat(failure.getMessage()).contains("[DONE]");
    assertThat(failure.retryable()).isTrue();
  }

  // --- Timeouts -----------------------------------------------------------------------------

  @Test
  void aProviderThatNeverAnswersFailsWithinItsFirstByteTimeoutPerAttempt() {
    provider.reply(Reply.hang(), Reply.hang());
    var model = new OpenAiModel(provider.baseUrl(), null, Optional.of(KEY), limits(Duration.ofMillis(250), Duration.ofSeconds(3), 2));

    long start = System.nanoTime();
    ModelException failure = failure(() -> model.complete(ask("Hi"), new RecordingSink()));

    assertThat(millisSince(start)).as("two attempts of 250 ms and a short backoff").isBetween(450L, 2500L);
    assertThat(failure.getMessage()).contains("did not answer");
    assertThat(failure.retryable()).isTrue();
    assertThat(provider.requests()).hasSize(2);
  }

  @Test
  void aStreamThatFallsSilentMidwayFailsWithinTheIdleTimeout() {
    provider.reply(Reply.stream(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null), content("Thinking")).thenHang());
    var model = new OpenAiModel(provider.baseUrl(), null, Optional.of(KEY), limits(Duration.ofSeconds(3), Duration.ofMillis(300), 1));
    var sink = new RecordingSink();

    long start = System.nanoTime();
    ModelException failure = failure(() -> model.complete(ask("Hi"), sink));

    assertThat(millisSince(start)).isBetween(250L, 2000L);
    assertThat(failure.getMessage()).contains("sent nothing");
    assertThat(failure.retryable()).isTrue();
    assertThat(sink.pieces()).containsExactly("Thinking");
  }

  // --- The key ------------------------------------------------------------------------------

  @Test
  void theApiKeyNeverAppearsInAnErrorMessage() {
    String masked = "sk-proj-****************************leak";
    List<ModelException> failures = new ArrayList<>();
    provider.reply(Reply.json(401, error("Incorrect API key provided: " + masked
        + ". You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")));
    failures.add(failure(() -> model().complete(ask("Hi"), new RecordingSink())));
    provider.reply(Reply.json(401, error("Incorrect API key provided: " + KEY.reveal(), "invalid_request_error", "invalid_api_key")));
    failures.add(failure(() -> model().complete(ask("Hi"), new RecordingSink())));
    provider.reply(Reply.json(401, "{\"error\": \"authorization 'Bearer " + KEY.reveal() + "' is not valid for this gateway\"}"));
    failures.add(failure(() -> model().complete(ask("Hi"), new RecordingSink())));
    provider.reply(Reply.hang());
    failures.add(failure(() -> new OpenAiModel(provider.baseUrl(), null, Optional.of(KEY), limits(Duration.ofMillis(200), Duration.ofSeconds(3), 1))
        .complete(ask("Hi"), new RecordingSink())));

    assertThat(failures).hasSize(4).allSatisfy(failure -> {
      assertThat(failure.getMessage()).isNotBlank().doesNotContain(KEY.reveal());
      assertThat(failure.toString()).doesNotContain(KEY.reveal());
    });
    assertThat(failures.get(0).getMessage()).contains("401").contains("Incorrect API key provided: " + masked);
  }

  // --- Helpers ------------------------------------------------------------------------------

  private OpenAiModel model() {
    return new OpenAiModel(provider.baseUrl(), null, Optional.of(KEY), FAST);
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

  /** A whole answer of one piece of text, as chat completions streams it. */
  private static Reply stop(String text) {
    return Reply.stream(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null), content(text), chunk("{}", "stop"), usage(9, 2), DONE);
  }

  private static String chunk(String delta, String finishReason) {
    return "data: " + """
        {"id":"chatcmpl-9lz1UyyAkMfBbBzQ2vYz","object":"chat.completion.chunk","created":1721229000,"model":"gpt-4o-mini-2024-07-18",\
        "system_fingerprint":"fp_8b761cb050","choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}],"usage":null}"""
        .formatted(delta, finishReason == null ? "null" : "\"" + finishReason + "\"") + "\n\n";
  }

  private static String content(String text) {
    return chunk(JSON.createObjectNode().put("content", text).toString(), null);
  }

  private static String toolCallStart(int index, String id, String name) {
    ObjectNode delta = JSON.createObjectNode();
    delta.putArray("tool_calls").addObject().put("index", index).put("id", id).put("type", "function")
        .putObject("function").put("name", name).put("arguments", "");
    return chunk(delta.toString(), null);
  }

  private static String toolArguments(int index, String fragment) {
    ObjectNode delta = JSON.createObjectNode();
    delta.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", fragment);
    return chunk(delta.toString(), null);
  }

  /** The last chunk before [DONE] when the request asks for usage: no choices, the token counts. */
  private static String usage(int promptTokens, int completionTokens) {
    return "data: " + """
        {"id":"chatcmpl-9lz1UyyAkMfBbBzQ2vYz","object":"chat.completion.chunk","created":1721229000,"model":"gpt-4o-mini-2024-07-18",\
        "system_fingerprint":"fp_8b761cb050","choices":[],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
        .formatted(promptTokens, completionTokens, promptTokens + completionTokens) + "\n\n";
  }

  private static String error(String message, String type, String code) {
    ObjectNode error = JSON.createObjectNode().put("message", message).put("type", type).putNull("param").put("code", code);
    return JSON.createObjectNode().set("error", error).toString();
  }
}
