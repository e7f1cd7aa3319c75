package dev.studio.runtime.agent.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps each piece of text it got, and when, for tests on another thread to look at. */
final class RecordingSink implements DeltaSink {
  private final List<String> pieces = new CopyOnWriteArrayList<>();
  private final List<Long> atNanos = new CopyOnWriteArrayList<>();

  @Override
  public void text(String delta) {
    atNanos.add(System.nanoTime());
    pieces.add(delta);
  }

  List<String> pieces() {
    return List.copyOf(pieces);
  }

  boolean got(String piece) {
    return pieces.contains(piece);
  }

  /** When each piece arrived ({@link System#nanoTime()}), in the order of {@link #pieces()}. */
  List<Long> arrivals() {
    return List.copyOf(atNanos);
  }
}
