package dev.studio.operator.status;

import java.time.Duration;
import java.time.Instant;

/**
 * How long to wait before looking again at a resource that is stuck on something outside the
 * operator's control (a Secret that does not exist yet). The wait grows with how long it has been
 * stuck, 5 s doubling to 5 min, and needs no state beyond the condition's transition time.
 */
public final class Backoff {
  public static final Duration MIN = Duration.ofSeconds(5);
  public static final Duration MAX = Duration.ofMinutes(5);

  private Backoff() {}

  public static Duration after(Instant stuckSince, Instant now) {
    return after(stuckSince, now, MIN, MAX);
  }

  /**
   * The same rule between other bounds: for failures that are costly to repeat (a git fetch, an
   * upload the api refused), a controller starts at a longer wait.
   */
  public static Duration after(Instant stuckSince, Instant now, Duration min, Duration max) {
    Duration stuck = Duration.between(stuckSince, now);
    if (stuck.compareTo(min) < 0) {
      return min;
    }
    return stuck.compareTo(max) > 0 ? max : stuck;
  }
}
