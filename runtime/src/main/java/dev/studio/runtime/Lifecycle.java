package dev.studio.runtime;

import java.util.concurrent.atomic.AtomicReference;

/** Where the process is in its life: starting (migrating), serving, or draining to stop. */
public final class Lifecycle {
  public enum State {
    STARTING,
    SERVING,
    DRAINING
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

  public State state() {
    return state.get();
  }

  public void serving() {
    state.compareAndSet(State.STARTING, State.SERVING);
  }

  public void draining() {
    state.set(State.DRAINING);
  }

  public boolean isServing() {
    return state.get() == State.SERVING;
  }
}
