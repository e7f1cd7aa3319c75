package dev.studio.runtime.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Anthropic's Messages API, streaming ({@code POST /v1/messages} with {@code stream: true}):
 * text deltas go to the sink as they arrive, tool-use blocks are assembled from their JSON deltas.
 */
public final class AnthropicModel implements ModelProvider {
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  public static final String DEFAULT_MODEL = "claude-sonnet-4-5";
  static final String API_VERSION = "2023-06-01";

  private final URI endpoint;
  private final String model;
  private final Secret apiKey;
  private final ModelHttp http;

  public AnthropicModel(String baseUrl, String model, Secret apiKey) {
    this(baseUrl, model, apiKey, ModelHttp.Limits.DEFAULT);
  }

  AnthropicModel(String baseUrl, String model, Secret apiKey, ModelHttp.Limits limits) {
    String base = baseUrl == null ? DEFAULT_BASE_URL : baseUrl.replaceAll("/+$", "");
    this.endpoint = URI.create(base + "/v1/messages");
    this.model = model == null ? DEFAULT_MODEL : model;
    this.apiKey = apiKey;
    this.http = new ModelHttp("anthropic", limits);
  }

  @Override
  public String label() {
    return "anthropic/" + model;
  }

  @Override
  public ModelResponse complete(ModelRequest request, DeltaSink sink) throws InterruptedException {
    var headers = Map.of("x-api-key", apiKey.reveal(), "anthropic-version", API_VERSION);
    try (InputStream stream = http.post(endpoint, headers, body(request)); var events = new SseReader(stream)) {
      return read(events, sink);
    } catch (IOException e) {
      throw new ModelException("anthropic stream broke: " + e.getMessage(), true, e);
    }
  }

  ObjectNode body(ModelRequest request) {
    var body = ModelHttp.JSON.createObjectNode();
    body.put("model", model);
    body.put("max_tokens", request.maxTokens());
    body.put("stream", true);
    if (request.system() != null && !request.system().isBlank()) {
      body.put("system", request.system());
    }
    ArrayNode messages = body.putArray("messages");
    ObjectNode current = null;
    String currentRole = null;
    for (ChatMessage message : request.messages()) {
      String role = message instanceof ChatMessage.Assistant ? "assistant" : "user";
      if (!role.equals(currentRole)) {
        current = messages.addObject();
        current.put("role", role);
        current.putArray("content");
        currentRole = role;
      }
      ArrayNode content = (ArrayNode) current.get("content");
      switch (message) {
        case ChatMessage.User user -> content.addObject().put("type", "text").put("text", user.text());
        case ChatMessage.Assistant assistant -> {
          if (!assistant.text().isEmpty()) {
            content.addObject().put("type", "text").put("text", assistant.text());
          }
          for (ToolCall call : assistant.toolCalls()) {
            content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name()).set("input", call.arguments());
          }
        }
        case ChatMessage.ToolResult result -> content.addObject().put("type", "tool_result").put("tool_use_id", result.callId())
            .put("content", result.content()).put("is_error", result.error());
      }
    }
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec tool : request.tools()) {
        tools.addObject().put("name", tool.name()).put("description", tool.description()).set("input_schema", tool.inputSchema());
      }
    }
    return body;
  }

  private static ModelResponse read(SseReader events, DeltaSink sink) throws IOException {
    StringBuilder text = new StringBuilder();
    Map<Integer, String[]> toolBlocks = new TreeMap<>(); // index -> {id, name}
    Map<Integer, StringBuilder> toolJson = new TreeMap<>();
    String stopReason = null;
    long inputTokens = 0;
    long outputTokens = 0;
    SseReader.Event event;
    while ((event = events.next()) != null) {
      JsonNode data = ModelHttp.JSON.readTree(event.data());
      String type = data.path("type").asText(event.event() == null ? "" : event.event());
      switch (type) {
        case "message_start" -> inputTokens = data.path("message").path("usage").path("input_tokens").asLong();
        case "content_block_start" -> {
          JsonNode block = data.path("content_block");
          if ("tool_use".equals(block.path("type").asText())) {
            int index = data.path("index").asInt();
            toolBlocks.put(index, new String[] {block.path("id").asText(), block.path("name").asText()});
            toolJson.put(index, new StringBuilder());
          }
        }
        case "content_block_delta" -> {
          JsonNode delta = data.path("delta");
          switch (delta.path("type").asText()) {
            case "text_delta" -> {
              String piece = delta.path("text").asText();
              text.append(piece);
              sink.text(piece);
            }
            case "input_json_delta" -> toolJson.computeIfAbsent(data.path("index").asInt(), i -> new StringBuilder())
                .append(delta.path("partial_json").asText());
            default -> { }
          }
        }
        case "message_delta" -> {
          stopReason = data.path("delta").path("stop_reason").asText(stopReason);
          outputTokens = data.path("usage").path("output_tokens").asLong(outputTokens);
        }
        case "error" -> {
          String kind = data.path("error").path("type").asText("error");
          throw new ModelException("anthropic: " + kind + ": " + data.path("error").path("message").asText(""),
              kind.equals("overloaded_error") || kind.equals("api_error") || kind.equals("rate_limit_error"));
        }
        case "message_stop" -> {
          return response(text, toolBlocks, toolJson, stopReason, inputTokens, outputTokens);
        }
        default -> { }
      }
    }
    throw new IOException("the stream ended before message_stop");
  }

  private static ModelResponse response(StringBuilder text, Map<Integer, String[]> blocks, Map<Integer, StringBuilder> json,
      String stopReason, long inputTokens, long outputTokens) throws IOException {
    List<ToolCall> calls = new ArrayList<>();
    for (var block : blocks.entrySet()) {
      String arguments = json.getOrDefault(block.getKey(), new StringBuilder()).toString();
      calls.add(new ToolCall(block.getValue()[0], block.getValue()[1],
          arguments.isBlank() ? ModelHttp.JSON.createObjectNode() : ModelHttp.JSON.readTree(arguments)));
    }
    return new ModelResponse(text.toString(), calls, stopReason, new ModelResponse.Usage(inputTokens, outputTokens));
  }
}
