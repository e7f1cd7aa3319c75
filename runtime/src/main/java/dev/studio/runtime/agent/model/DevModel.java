package dev.studio.runtime.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The offline, deterministic {@code dev} model: the default without an API key, for trying the
 * platform and for tests. It answers by echoing, streamed word by word. Two directives:
 *
 * <ul>
 *   <li>{@code /tool <name> <json-args>} makes it call that tool once, then report the result;
 *   <li>{@code /slow <millis> <rest>} pauses before each word it streams during the run, and
 *       treats {@code <rest>} as the message: {@code /slow 200 /tool echo {...}} calls the tool,
 *       then reports slowly (a long model step after a finished tool step);
 *   <li>{@code /system} answers with the system prompt it was given (what a bundle's agent sees).
 * </ul>
 */
public final class DevModel implements ModelProvider {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String label;

  public DevModel() {
    this("echo");
  }

  /** A dev model under another name (a bundle naming its model), for the journal's record. */
  public DevModel(String name) {
    this.label = "dev/" + name;
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public ModelResponse complete(ModelRequest request, DeltaSink sink) throws InterruptedException {
    String text = lastUserText(request);
    long pause = 0;
    if (text.startsWith("/slow ")) {
      String[] parts = text.split("\\s+", 3);
      pause = parseLong(parts.length > 1 ? parts[1] : "0");
      text = parts.length > 2 ? parts[2] : "";
    }
    var last = request.messages().isEmpty() ? null : request.messages().get(request.messages().size() - 1);
    if (last instanceof ChatMessage.ToolResult result) {
      return say(sink, result.error()
          ? "Tool " + result.toolName() + " failed: " + result.content()
          : "Tool " + result.toolName() + " returned: " + result.content(), pause);
    }
    if (text.equals("/system")) {
      return say(sink, "System: " + (request.system() == null ? "(none)" : request.system()), pause);
    }
    if (text.startsWith("/tool ") || text.equals("/tool")) {
      return toolCall(request, text.substring("/tool".length()).strip(), sink);
    }
    return say(sink, "Echo: " + text, pause);
  }

  private static String lastUserText(ModelRequest request) {
    for (int i = request.messages().size() - 1; i >= 0; i--) {
      if (request.messages().get(i) instanceof ChatMessage.User user) {
        return user.text().strip();
      }
    }
    return "";
  }

  private static ModelResponse toolCall(ModelRequest request, String rest, DeltaSink sink) throws InterruptedException {
    int space = rest.indexOf(' ');
    String name = space < 0 ? rest : rest.substring(0, space);
    String args = space < 0 ? "{}" : rest.substring(space + 1).strip();
    if (name.isEmpty()) {
      return say(sink, "Usage: /tool <name> <json-args>", 0);
    }
    if (request.tools().stream().noneMatch(t -> t.name().equals(name))) {
      String available = request.tools().stream().map(ToolSpec::name).sorted().collect(Collectors.joining(", "));
      return say(sink, "There is no tool named " + name + ". Tools: " + available + ".", 0);
    }
    JsonNode arguments;
    try {
      arguments = JSON.readTree(args);
      if (arguments == null || !arguments.isObject()) {
        return say(sink, "The arguments of /tool must be a JSON object, e.g. /tool echo {\"text\": \"hi\"}", 0);
      }
    } catch (Exception e) {
      return say(sink, "The arguments of /tool must be a JSON object, e.g. /tool echo {\"text\": \"hi\"}", 0);
    }
    int turn = (int) request.messages().stream().filter(m -> m instanceof ChatMessage.Assistant).count();
    return new ModelResponse("", List.of(new ToolCall("dev_call_" + turn, name, arguments)), "tool_use", ModelResponse.Usage.NONE);
  }

  private static ModelResponse say(DeltaSink sink, String text, long pauseMillis) throws InterruptedException {
    List<String> words = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == ' ') {
        words.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      words.add(text.substring(start));
    }
    for (String word : words) {
      if (pauseMillis > 0) {
        Thread.sleep(pauseMillis);
      }
      sink.text(word);
    }
    return new ModelResponse(text, List.of(), "end_turn", new ModelResponse.Usage(text.length() / 4, words.size()));
  }

  private static long parseLong(String value) {
    try {
      return Math.max(0, Math.min(60_000, Long.parseLong(value)));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
