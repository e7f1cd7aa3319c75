package dev.studio.runtime.dispatch;

import java.util.List;
import java.util.Optional;

/**
 * Somewhere a worker takes work from: the run lanes, the background job stream. The worker
 * alternates between its sources so neither starves the other.
 */
public interface WorkSource {
  /** Claims one unit of work, or nothing if there is none now. */
  Optional<Runnable> claim();

  /** Claims up to {@code max} units at once (one round trip where the source can); by default one. */
  default List<Runnable> claim(int max) {
    return claim().map(List::of).orElse(List.of());
  }

  /** Redis lists that get a token when work arrives here, so an idle worker can block on them. */
  List<String> wakeKeys();

  String name();
}
