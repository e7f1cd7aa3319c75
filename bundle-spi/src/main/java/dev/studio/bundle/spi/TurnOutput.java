package dev.studio.bundle.spi;

/** Where a turn's output goes: every viewer of the thread sees each piece as it is written. */
public interface TurnOutput {
  /** Streams a piece of the answer. */
  void delta(String text);

  /** True once the run was cancelled or the worker is shutting down. */
  boolean stopRequested();
}
