package dev.studio.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the sandbox was last used (a control call or a preview request), for the operator's idle expiry.
 *
 * <p>Touched on every preview request, so it writes the shared field at most once a second.
 */
public final class ActivityClock {
  private final Clock clock;
  private volatile long lastActivityMillis;

  public ActivityClock(Clock clock) {
    this.clock = clock;
    this.lastActivityMillis = clock.millis();
  }

  public void touch() {
    long now = clock.millis();
    if (now - lastActivityMillis >= 1000) {
      lastActivityMillis = now;
    }
  }

  public Instant lastActivity() {
    return Instant.ofEpochMilli(lastActivityMillis);
  }

  public Duration idleFor() {
    return Duration.ofMillis(Math.max(0, clock.millis() - lastActivityMillis));
  }
}
