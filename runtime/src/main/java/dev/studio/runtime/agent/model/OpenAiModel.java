package dev.studio.runtime.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * OpenAI-compatible chat completions, streaming ({@code POST <base>/chat/completions}): OpenAI
 * itself, and Ollama, vLLM and other servers that speak the same protocol (the API key is then
 * optional). Tool calls are assembled from their indexed argument fragments.
 */
public final class OpenAiModel implements ModelProvider {
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  public static final String DEFAULT_MODEL = "gpt-4o-mini";

  private final URI endpoint;
  private final String model;
  private final Optional<Secret> apiKey;
  private final ModelHttp http;

  public OpenAiModel(String baseUrl, String model, Optional<Secret> apiKey) {
    this(baseUrl, model, apiKey, ModelHttp.Limits.DEFAULT);
  }

  OpenAiModel(String baseUrl, String model, Optional<Secret> apiKey, ModelHttp.Limits limits) {
    String base = baseUrl == null ? DEFAULT_BASE_URL : baseUrl.replaceAll("/+$", "");
    this.endpoint = URI.create(base + "/chat/completions");
    this.model = model == null ? DEFAULT_MODEL : model;
    this.apiKey = apiKey;
    this.http = new ModelHttp("openai", limits);
  }

  @Override
  public String label() {
    return "openai/" + model;
  }

  @Override
  public ModelResponse complete(ModelRequest request, DeltaSink sink) throws InterruptedException {
    Map<String, String> headers = new HashMap<>();
    apiKey.ifPresent(key -> headers.put("authorization", "Bearer " + key.reveal()));
    try (InputStream stream = http.post(endpoint, headers, body(request)); var events = new SseReader(stream)) {
      return read(events, sink);
    } catch (IOException e) {
      throw new ModelException("openai stream broke: " + e.getMessage(), true, e);
    }
  }

  ObjectNode body(ModelRequest request) {
    var body = ModelHttp.JSON.createObjectNode();
    body.put("model", model);
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true); // else a stream never says how many tokens it used
    body.put("max_tokens", request.maxTokens());
    ArrayNode messages = body.putArray("messages");
    if (request.system() != null && !request.system().isBlank()) {
      messages.addObject().put("role", "system").put("content", request.system());
    }
    for (ChatMessage message : request.messages()) {
      switch (message) {
        case ChatMessage.User user -> messages.addObject().put("role", "user").put("content", user.text());
        case ChatMessage.Assistant assistant -> {
          ObjectNode node = messages.addObject().put("role", "assistant");
          if (assistant.text().isEmpty()) {
            node.putNull("content");
          } else {
            node.put("content", assistant.text());
          }
          if (!assistant.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (ToolCall call : assistant.toolCalls()) {
              ObjectNode c = calls.addObject().put("id", call.id()).put("type", "function");
              c.putObject("function").put("name", call.name()).put("arguments", call.arguments().toString());
            }
          }
        }
        case ChatMessage.ToolResult result -> messages.addObject().put("role", "tool").put("tool_call_id", result.callId())
            .put("content", result.content());
      }
    }
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec tool : request.tools()) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", tool.name()).put("description", tool.description()).set("parameters", tool.inputSchema());
      }
    }
    return body;
  }

  private static ModelResponse read(SseReader events, DeltaSink sink) throws IOException {
    StringBuilder text = new StringBuilder();
    Map<Integer, String[]> calls = new TreeMap<>(); // index -> {id, name}
    Map<Integer, StringBuilder> arguments = new TreeMap<>();
    String finish = null;
    long inputTokens = 0;
    long outputTokens = 0;
    SseReader.Event event;
    while ((event = events.next()) != null) {
      if (event.data().equals("[DONE]")) {
        List<ToolCall> toolCalls = new ArrayList<>();
        for (var call : calls.entrySet()) {
          String json = arguments.getOrDefault(call.getKey(), new StringBuilder()).toString();
          toolCalls.add(new ToolCall(call.getValue()[0], call.getValue()[1],
              json.isBlank() ? ModelHttp.JSON.createObjectNode() : ModelHttp.JSON.readTree(json)));
        }
        return new ModelResponse(text.toString(), toolCalls, finish, new ModelResponse.Usage(inputTokens, outputTokens));
      }
      JsonNode chunk = ModelHttp.JSON.readTree(event.data());
      if (chunk.has("error")) {
        throw new ModelException("openai: " + chunk.path("error").path("message").asText("error"), false);
      }
      if (chunk.has("usage") && !chunk.get("usage").isNull()) {
        inputTokens = chunk.path("usage").path("prompt_tokens").asLong(inputTokens);
        outputTokens = chunk.path("usage").path("completion_tokens").asLong(outputTokens);
      }
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode delta = choice.path("delta");
        if (delta.hasNonNull("content")) {
          String piece = delta.get("content").asText();
          if (!piece.isEmpty()) {
            text.append(piece);
            sink.text(piece);
          }
        }
        for (JsonNode call : delta.path("tool_calls")) {
          int index = call.path("index").asInt();
          String[] known = calls.computeIfAbsent(index, i -> new String[] {"", ""});
          if (call.hasNonNull("id")) {
            known[0] = call.get("id").asText();
          }
          JsonNode function = call.path("function");
          if (function.hasNonNull("name")) {
            known[1] = known[1] + function.get("name").asText();
          }
          if (function.hasNonNull("arguments")) {
            arguments.computeIfAbsent(index, i -> new StringBuilder()).append(function.get("arguments").asText());
          }
        }
        if (choice.hasNonNull("finish_reason")) {
          finish = choice.get("finish_reason").asText();
        }
      }
    }
    throw new IOException("the stream ended before [DONE]");
  }
}
