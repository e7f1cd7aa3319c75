package dev.studio.runtime.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.agent.tools.Schemas;
import dev.studio.runtime.agent.tools.Tool;
import dev.studio.runtime.agent.tools.ToolContext;
import dev.studio.runtime.agent.tools.ToolResult;
import java.time.Duration;
import java.util.List;

/**
 * The agent's tools in its thread's sandbox: read, write, edit, grep, glob, bash and git, each a
 * call of the sandbox daemon's control API (DESIGN §6) whose answer goes back to the model.
 * Reading is idempotent; writing, editing, running commands and git publish are not, so recovery
 * never repeats them.
 */
public final class SandboxTools {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What the model gets back at most of one answer. */
  static final int MAX_RESULT_CHARS = 50_000;
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

  private SandboxTools() {}

  /**
   * Finds the daemon a tool call works in: the thread's sandbox on the platform, or the sandbox a
   * linked desktop runs for the project.
   */
  @FunctionalInterface
  public interface Daemons {
    /** The daemon; throws {@link NoSandbox} with what the model should be told otherwise. */
    DaemonEndpoint find(ToolContext context) throws Exception;
  }

  /** There is no sandbox to work in; the message says why (it goes to the model). */
  public static final class NoSandbox extends Exception {
    public NoSandbox(String message) {
      super(message, null, false, false);
    }
  }

  /** The tools in the thread's sandbox, as the platform's workers run them. */
  public static List<Tool> all(SandboxService sandboxes) {
    return all(context -> {
      var sandbox = sandboxes.store().forThread(context.threadId());
      if (sandbox.isEmpty()) {
        throw new NoSandbox("this thread has no sandbox: create one with POST /api/{org}/sandboxes and its threadId");
      }
      return sandboxes.daemon(sandbox.get())
          .orElseThrow(() -> new NoSandbox("the thread's sandbox is not running (" + sandbox.get().state() + ")"));
    });
  }

  /** The tools in whatever sandbox {@code sandboxes} finds for a call. */
  public static List<Tool> all(Daemons sandboxes) {
    var client = new DaemonClient();
    return List.of(
        new DaemonTool(sandboxes, client, "read", "Reads a file of the sandbox's workspace.", true,
            Schemas.object(new String[] {"path"}, "path", "string", "Workspace-relative path.")),
        new DaemonTool(sandboxes, client, "write", "Writes a file in the sandbox's workspace (the dev server sees it at once).", false,
            Schemas.object(new String[] {"path", "content"}, "path", "string", "Workspace-relative path.",
                "content", "string", "The whole new content.", "encoding", "string", "utf8 (default) or base64.")),
        new DaemonTool(sandboxes, client, "edit", "Replaces the one occurrence of `old` with `new` in a file.", false,
            Schemas.object(new String[] {"path", "old", "new"}, "path", "string", "Workspace-relative path.",
                "old", "string", "Exact text that occurs once.", "new", "string", "Its replacement.")),
        new DaemonTool(sandboxes, client, "grep", "Searches the workspace's files for a regular expression.", true,
            Schemas.object(new String[] {"pattern"}, "pattern", "string", "A regular expression.",
                "path", "string", "Only under this directory.", "glob", "string", "Only files matching this glob.")),
        new DaemonTool(sandboxes, client, "glob", "Lists the workspace's files matching a glob.", true,
            Schemas.object(new String[] {"pattern"}, "pattern", "string", "A glob such as src/**/*.ts.")),
        new DaemonTool(sandboxes, client, "bash", "Runs a shell command in the workspace.", false,
            Schemas.object(new String[] {"command"}, "command", "string", "The command line.",
                "timeoutMs", "integer", "Stop it after this long (default 120000).")),
        new Git(sandboxes, client));
  }

  /** A tool whose arguments are the daemon route's JSON body. */
  static class DaemonTool implements Tool {
    private final Daemons sandboxes;
    private final DaemonClient client;
    private final String name;
    private final String description;
    private final boolean idempotent;
    private final JsonNode schema;

    DaemonTool(Daemons sandboxes, DaemonClient client, String name, String description, boolean idempotent, JsonNode schema) {
      this.sandboxes = sandboxes;
      this.client = client;
      this.name = name;
      this.description = description;
      this.idempotent = idempotent;
      this.schema = schema;
    }

    public String name() {
      return name;
    }

    public String description() {
      return description;
    }

    public JsonNode inputSchema() {
      return schema;
    }

    public boolean idempotent() {
      return idempotent;
    }

    public ToolResult execute(ToolContext context, JsonNode arguments) throws Exception {
      for (JsonNode required : schema.path("required")) {
        if (!arguments.hasNonNull(required.asText())) {
          return ToolResult.error(required.asText() + " is required");
        }
      }
      return call(context, "POST", "/_sandbox/" + name, arguments.toString());
    }

    ToolResult call(ToolContext context, String method, String path, String body) throws Exception {
      DaemonEndpoint daemon;
      try {
        daemon = sandboxes.find(context);
      } catch (NoSandbox e) {
        return ToolResult.error(e.getMessage());
      }
      var reply = client.call(daemon, method, path, body, CALL_TIMEOUT);
      String text = reply.body().length() > MAX_RESULT_CHARS
          ? reply.body().substring(0, MAX_RESULT_CHARS) + "\n[truncated]" : reply.body();
      return reply.ok() ? ToolResult.ok(text) : ToolResult.error(text);
    }
  }

  /** git status, diff, publish (commit and push) or discard. */
  static final class Git extends DaemonTool {
    Git(Daemons sandboxes, DaemonClient client) {
      super(sandboxes, client, "git", "git in the sandbox: status, diff, publish (commit all and push) or discard (drop changes).",
          false, Schemas.object(new String[] {"action"}, "action", "string", "status, diff, publish or discard.",
              "message", "string", "Commit message (publish).", "branch", "string", "Branch to publish to (publish)."));
    }

    @Override
    public ToolResult execute(ToolContext context, JsonNode arguments) throws Exception {
      String action = arguments.path("action").asText("");
      return switch (action) {
        case "status", "diff" -> call(context, "GET", "/_sandbox/git/" + action, null);
        case "publish", "discard" -> {
          ObjectNode body = JSON.createObjectNode();
          for (String field : List.of("message", "branch")) {
            if (arguments.hasNonNull(field)) {
              body.put(field, arguments.get(field).asText());
            }
          }
          yield call(context, "POST", "/_sandbox/git/" + action, body.toString());
        }
        default -> ToolResult.error("action must be status, diff, publish or discard");
      };
    }
  }
}
