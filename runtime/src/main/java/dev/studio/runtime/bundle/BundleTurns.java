package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.bundle.spi.Turn;
import dev.studio.bundle.spi.TurnOutput;
import dev.studio.runtime.agent.AgentLoop;
import dev.studio.runtime.agent.TurnPlan;
import dev.studio.runtime.agent.model.ChatMessage;
import dev.studio.runtime.store.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chooses who takes a run's turn: the bundle it names (or the default bundle), on the revision that
 * bundle serves when the turn starts, kept to the end of the turn. A JVM bundle with a turn handler
 * takes it itself; otherwise the agent loop runs as the bundle's bundle.yaml says.
 */
public final class BundleTurns implements TurnPlan.Planner {
  private final BundleRegistry registry;
  private final BundleModels models;
  private final AgentLoop.Profile platform;
  private final OrgBundleProps orgProps;
  private final BundleSecrets secrets;

  public BundleTurns(BundleRegistry registry, BundleModels models, AgentLoop.Profile platform, OrgBundleProps orgProps,
      BundleSecrets secrets) {
    this.registry = registry;
    this.models = models;
    this.platform = platform;
    this.orgProps = orgProps;
    this.secrets = secrets;
  }

  @Override
  public TurnPlan plan(Run run) throws TurnPlan.Unavailable {
    if (run.bundle() == null && registry.defaultBundle().isEmpty()) {
      return TurnPlan.platform();
    }
    var lease = registry.lease(run.bundle()).orElseThrow(() -> new TurnPlan.Unavailable(
        run.bundle() == null ? "the default bundle is not deployed any more" : "bundle " + run.bundle() + " is not deployed"));
    try {
      String servedBy = lease.settings().name() + "@" + lease.settings().revision();
      if (lease.bundle() instanceof JvmBundle jvm && jvm.turns().isPresent()) {
        var handler = jvm.turns().get();
        String name = lease.settings().name();
        return new TurnPlan.Handler((r, history, delta, stop) -> jvm.call(() -> handler.handle(turn(name, r, history),
            new TurnOutput() {
              @Override
              public void delta(String text) {
                delta.accept(text);
              }

              @Override
              public boolean stopRequested() {
                return stop.getAsBoolean();
              }
            })), servedBy, lease::close);
      }
      return new TurnPlan.Loop(profile(lease, run), servedBy, lease::close);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  private AgentLoop.Profile profile(BundleRegistry.Lease lease, Run run) {
    var definition = lease.bundle().definition();
    if (definition.isEmpty()) {
      return platform;
    }
    var spec = definition.get();
    // The organisation's props are read only when the prompt uses them: a run's start stays cheap.
    String system = spec.system().map(t -> t.render(t.fields("user").isEmpty()
            ? Map.of("props", lease.settings().props())
            : Map.of("props", lease.settings().props(), "user", orgProps.get(lease.settings().name(), run.orgId()))))
        .orElse(platform.system());
    return new AgentLoop.Profile(models.of(spec.model()), spec.tools().map(platform.tools()::only).orElse(platform.tools()), system,
        spec.maxSteps().orElse(0));
  }

  private Turn turn(String bundle, Run run, List<ChatMessage> history) {
    List<Turn.Message> earlier = new ArrayList<>();
    String text = "";
    for (int i = 0; i < history.size(); i++) {
      var message = history.get(i);
      boolean last = i == history.size() - 1;
      if (message instanceof ChatMessage.User user) {
        if (last) {
          text = user.text();
        } else {
          earlier.add(new Turn.Message("user", user.text()));
        }
      } else if (message instanceof ChatMessage.Assistant assistant) {
        earlier.add(new Turn.Message("assistant", assistant.text()));
      }
    }
    JsonNode props = orgProps.get(bundle, run.orgId());
    return new Turn(run.orgId().toString(), run.threadId().toString(), run.id().toString(), text, earlier,
        LiveContext.Json.toMap(props), secrets.org(bundle, run.orgId()));
  }
}
