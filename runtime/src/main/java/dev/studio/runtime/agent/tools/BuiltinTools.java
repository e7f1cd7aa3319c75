package dev.studio.runtime.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.runtime.store.NoteStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The tools every run has: echo, current_time, sleep, remember and recall. */
public final class BuiltinTools {
  static final Duration MAX_SLEEP = Duration.ofSeconds(60);

  private BuiltinTools() {}

  public static List<Tool> all(NoteStore notes, Clock clock) {
    return List.of(new Echo(), new CurrentTime(clock), new Sleep(), new Remember(notes), new Recall(notes));
  }

  /** Returns its text. */
  static final class Echo implements Tool {
    public String name() {
      return "echo";
    }

    public String description() {
      return "Returns the text it is given.";
    }

    public JsonNode inputSchema() {
      return Schemas.object(new String[] {"text"}, "text", "string", "The text to return.");
    }

    public boolean idempotent() {
      return true;
    }

    public ToolResult execute(ToolContext context, JsonNode arguments) {
      return arguments.hasNonNull("text") ? ToolResult.ok(arguments.get("text").asText()) : ToolResult.error("text is required");
    }
  }

  /** The current time in UTC. */
  static final class CurrentTime implements Tool {
    private final Clock clock;

    CurrentTime(Clock clock) {
      this.clock = clock;
    }

    public String name() {
      return "current_time";
    }

    public String description() {
      return "The current date and time in UTC (ISO 8601).";
    }

    public JsonNode inputSchema() {
      return Schemas.object(new String[0]);
    }

    public boolean idempotent() {
      return true;
    }

    public ToolResult execute(ToolContext context, JsonNode arguments) {
      return ToolResult.ok(clock.instant().toString());
    }
  }

  /** Waits; a stand-in for any slow tool that is safe to repeat. */
  static final class Sleep implements Tool {
    public String name() {
      return "sleep";
    }

    public String description() {
      return "Waits the given milliseconds (at most 60000), then answers.";
    }

    public JsonNode inputSchema() {
      return Schemas.object(new String[] {"millis"}, "millis", "integer", "How long to wait.");
    }

    public boolean idempotent() {
      return true;
    }

    public ToolResult execute(ToolContext context, JsonNode arguments) throws InterruptedException {
      long millis = Math.max(0, Math.min(MAX_SLEEP.toMillis(), arguments.path("millis").asLong()));
      Thread.sleep(millis);
      return ToolResult.ok("slept " + millis + " ms");
    }
  }

  /**
   * Writes a note: a side effect that must happen at most once, so recovery never repeats it. An
   * optional delay before the write stands in for a slow side effect.
   */
  static final class Remember implements Tool {
    private final NoteStore notes;

    Remember(NoteStore notes) {
      this.notes = notes;
    }

    public String name() {
      return "remember";
    }

    public String description() {
      return "Stores a note for the organisation.";
    }

    public JsonNode inputSchema() {
      return Schemas.object(new String[] {"text"}, "text", "string", "The note.", "delayMillis", "integer",
          "Wait this long before storing (at most 60000).");
    }

    public boolean idempotent() {
      return false;
    }

    public ToolResult execute(ToolContext context, JsonNode arguments) throws InterruptedException {
      if (!arguments.hasNonNull("text") || arguments.get("text").asText().isBlank()) {
        return ToolResult.error("text is required");
      }
      long delay = Math.max(0, Math.min(MAX_SLEEP.toMillis(), arguments.path("delayMillis").asLong()));
      Thread.sleep(delay);
      notes.add(context.orgId(), context.threadId(), context.runId(), arguments.get("text").asText());
      return ToolResult.ok("remembered");
    }
  }

  /** Lists the notes stored so far. */
  static final class Recall implements Tool {
    private final NoteStore notes;

    Recall(NoteStore notes) {
      this.notes = notes;
    }

    public String name() {
      return "recall";
    }

    public String description() {
      return "Lists the organisation's latest notes, newest first.";
    }

    public JsonNode inputSchema() {
      return Schemas.object(new String[0], "limit", "integer", "How many (at most 50).");
    }

    public boolean idempotent() {
      return true;
    }

    public ToolResult execute(ToolContext context, JsonNode arguments) {
      int limit = Math.max(1, Math.min(50, arguments.path("limit").asInt(10)));
      var texts = notes.texts(context.orgId(), limit);
      return ToolResult.ok(texts.isEmpty() ? "(no notes)" : String.join("\n", texts));
    }
  }
}
