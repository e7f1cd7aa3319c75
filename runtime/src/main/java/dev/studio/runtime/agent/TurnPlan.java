package dev.studio.runtime.agent;

import dev.studio.runtime.agent.model.ChatMessage;
import dev.studio.runtime.store.Run;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How a run's turn is taken: by the agent loop as some profile, or by a handler of a bundle's
 * own. Closing it releases what the turn ran on (a bundle revision's lease).
 */
public sealed interface TurnPlan extends AutoCloseable {
  /** {@code bundle@revision} that serves the turn, or null for the platform's own agent. */
  String servedBy();

  @Override
  void close();

  /** The platform's own agent, serving runs that name no bundle when there is no default one. */
  static TurnPlan platform() {
    return new Loop(null, null, () -> {});
  }

  /** The agent loop as {@code profile} (null: the platform's profile). */
  record Loop(AgentLoop.Profile profile, String servedBy, Runnable release) implements TurnPlan {
    @Override
    public void close() {
      release.run();
    }
  }

  /** A handler that takes the whole turn itself. */
  record Handler(Turn turn, String servedBy, Runnable release) implements TurnPlan {
    @Override
    public void close() {
      release.run();
    }
  }

  /** A turn taken by a handler: it streams pieces to {@code delta} and returns the answer. */
  @FunctionalInterface
  interface Turn {
    String take(Run run, List<ChatMessage> history, Consumer<String> delta, BooleanSupplier stopRequested) throws Exception;
  }

  /** Chooses the plan for a run. */
  @FunctionalInterface
  interface Planner {
    Planner PLATFORM = run -> platform();

    /** @throws Unavailable when the run names a bundle this platform does not serve */
    TurnPlan plan(Run run) throws Unavailable;
  }

  /** The run's bundle is not deployed (any more). */
  final class Unavailable extends Exception {
    public Unavailable(String message) {
      super(message);
    }
  }
}
