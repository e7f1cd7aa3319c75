package dev.studio.runtime.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.agent.model.ChatMessage;
import dev.studio.runtime.agent.model.ModelRequest;
import dev.studio.runtime.agent.model.ModelResponse;
import dev.studio.runtime.agent.model.ToolCall;
import dev.studio.runtime.agent.model.ToolSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON both ends of a link use for conversations, model calls and their answers: the
 * platform's model types, field by field, so the link's loop sees exactly what a worker's sees.
 */
public final class LinkWire {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LinkWire() {}

  public static ObjectNode message(ChatMessage message) {
    var node = JSON.createObjectNode();
    switch (message) {
      case ChatMessage.User user -> node.put("role", "user").put("text", user.text());
      case ChatMessage.Assistant assistant -> {
        node.put("role", "assistant").put("text", assistant.text());
        node.set("toolCalls", toolCalls(assistant.toolCalls()));
      }
      case ChatMessage.ToolResult result -> node.put("role", "tool").put("callId", result.callId()).put("toolName", result.toolName())
          .put("content", result.content()).put("error", result.error());
    }
    return node;
  }

  public static ChatMessage message(JsonNode node) {
    return switch (node.path("role").asText()) {
      case "user" -> new ChatMessage.User(node.path("text").asText(""));
      case "assistant" -> new ChatMessage.Assistant(node.path("text").asText(""), toolCalls(node.path("toolCalls")));
      case "tool" -> new ChatMessage.ToolResult(node.path("callId").asText(), node.path("toolName").asText(),
          node.path("content").asText(""), node.path("error").asBoolean());
      default -> throw new IllegalArgumentException("unknown message role '" + node.path("role").asText() + "'");
    };
  }

  public static ArrayNode messages(List<ChatMessage> messages) {
    var array = JSON.createArrayNode();
    messages.forEach(m -> array.add(message(m)));
    return array;
  }

  public static List<ChatMessage> messages(JsonNode array) {
    List<ChatMessage> messages = new ArrayList<>();
    array.forEach(m -> messages.add(message(m)));
    return messages;
  }

  public static ObjectNode request(ModelRequest request) {
    var node = JSON.createObjectNode().put("system", request.system()).put("maxTokens", request.maxTokens());
    node.set("messages", messages(request.messages()));
    var tools = node.putArray("tools");
    for (ToolSpec spec : request.tools()) {
      tools.addObject().put("name", spec.name()).put("description", spec.description()).set("inputSchema", spec.inputSchema());
    }
    return node;
  }

  public static ModelRequest request(JsonNode node) {
    List<ToolSpec> tools = new ArrayList<>();
    for (JsonNode tool : node.path("tools")) {
      tools.add(new ToolSpec(tool.path("name").asText(), tool.path("description").asText(""), tool.path("inputSchema")));
    }
    return new ModelRequest(node.hasNonNull("system") ? node.get("system").asText() : null, messages(node.path("messages")), tools,
        node.path("maxTokens").asInt(4096));
  }

  public static ObjectNode response(ModelResponse response) {
    var node = JSON.createObjectNode().put("text", response.text()).put("stopReason", response.stopReason());
    node.set("toolCalls", toolCalls(response.toolCalls()));
    var usage = response.usage() == null ? ModelResponse.Usage.NONE : response.usage();
    node.putObject("usage").put("input", usage.inputTokens()).put("output", usage.outputTokens());
    return node;
  }

  public static ModelResponse response(JsonNode node) {
    return new ModelResponse(node.path("text").asText(""), toolCalls(node.path("toolCalls")),
        node.hasNonNull("stopReason") ? node.get("stopReason").asText() : null,
        new ModelResponse.Usage(node.path("usage").path("input").asLong(), node.path("usage").path("output").asLong()));
  }

  private static ArrayNode toolCalls(List<ToolCall> calls) {
    var array = JSON.createArrayNode();
    for (ToolCall call : calls) {
      array.addObject().put("id", call.id()).put("name", call.name()).set("arguments", call.arguments());
    }
    return array;
  }

  private static List<ToolCall> toolCalls(JsonNode array) {
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode call : array) {
      calls.add(new ToolCall(call.path("id").asText(), call.path("name").asText(), call.path("arguments")));
    }
    return calls;
  }
}
