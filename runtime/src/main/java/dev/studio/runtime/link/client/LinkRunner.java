package dev.studio.runtime.link.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.agent.AgentLoop;
import dev.studio.runtime.agent.tools.Tool;
import dev.studio.runtime.agent.tools.ToolRegistry;
import dev.studio.runtime.dispatch.Lane;
import dev.studio.runtime.link.LinkWire;
import dev.studio.runtime.sandbox.SandboxTools;
import dev.studio.runtime.store.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one work item with the workers' own agent loop: the platform's model through the platform,
 * the sandbox tools in the project's local sandbox, the other tools by their signed URLs, and the
 * output through a {@link ChunkStream}. The platform already started the run (and its first step)
 * when it handed the item over; this reports how the loop ended.
 */
final class LinkRunner {
  private static final Logger log = LoggerFactory.getLogger(LinkRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_TOKENS = 4096;

  private final PlatformClient platform;
  private final LocalSandboxes sandboxes;
  private final BooleanSupplier stopping;
  private final String worker;

  LinkRunner(PlatformClient platform, LocalSandboxes sandboxes, BooleanSupplier stopping, String worker) {
    this.platform = platform;
    this.sandboxes = sandboxes;
    this.stopping = stopping;
    this.worker = worker;
  }

  void run(JsonNode item) throws InterruptedException {
    String org = item.path("org").asText();
    Run run = runOf(item);
    log.info("run {} starts on this machine", run.id());
    try (var chunks = new ChunkStream(platform, org, run.id(), run.attempt())) {
      List<Tool> tools = new ArrayList<>(SandboxTools.all(context -> {
        var local = sandboxes.forProject(item.get("project"));
        chunks.sandbox("local:" + local.handle() + " " + local.daemon().previewUrl());
        return local.daemon();
      }));
      for (JsonNode grant : item.path("tools")) {
        tools.add(new RemoteTool(platform, grant));
      }
      var model = new RemoteModel(platform, org, run.id(), run.attempt(), item.path("model").asText());
      var loop = new AgentLoop(model, new ToolRegistry(tools), chunks, chunks, null, MAX_TOKENS);
      AgentLoop.Outcome outcome;
      try {
        outcome = loop.run(run, LinkWire.messages(item.path("history")), List.of(),
            () -> stopping.getAsBoolean() ? "the link is stopping" : chunks.stopReason(), true);
      } catch (RuntimeException e) {
        log.error("run {} failed on this machine", run.id(), e);
        outcome = new AgentLoop.Outcome.Failed("internal error on the link: " + e.getClass().getSimpleName());
      }
      var finish = JSON.createObjectNode();
      switch (outcome) {
        case AgentLoop.Outcome.Completed completed -> finish.put("state", "completed").put("answer", completed.answer())
            .put("step", completed.step()).put("stepOutput", completed.stepOutput());
        case AgentLoop.Outcome.Failed failed -> finish.put("state", "failed").put("error", failed.error());
        case AgentLoop.Outcome.Interrupted interrupted -> finish.put("state", "interrupted").put("reason", interrupted.reason());
        case AgentLoop.Outcome.Stopped stopped -> {
          // Cancelled or ended on the platform (it has the last word), or this link is stopping:
          // its run ends when its presence does (the watcher's link_lost).
          log.info("run {} stopped: {}", run.id(), stopped.reason());
          return;
        }
      }
      if (!chunks.finish(finish)) {
        log.info("run {}: the platform did not take its end ({})", run.id(), chunks.stopReason());
        return;
      }
      log.info("run {} ended {}", run.id(), finish.path("state").asText());
    }
  }

  /** The run as the loop needs it, from the work item. */
  private Run runOf(JsonNode item) {
    var run = item.path("run");
    return new Run(UUID.fromString(run.path("id").asText()), UUID.fromString(item.path("orgId").asText()),
        UUID.fromString(run.path("threadId").asText()), run.path("seq").asLong(), UUID.fromString(run.path("messageId").asText()),
        Lane.valueOf(run.path("lane").asText()), Run.State.running, null, run.path("maxSteps").asInt(), run.path("attempt").asInt(),
        worker, null, null, Instant.parse(run.path("createdAt").asText()), Instant.now(), null, Run.Transport.link, null);
  }
}
