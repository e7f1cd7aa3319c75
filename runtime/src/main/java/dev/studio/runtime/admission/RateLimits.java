package dev.studio.runtime.admission;

import dev.studio.runtime.InvalidSetting;
import dev.studio.runtime.dispatch.Lane;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Limits per tier: a burst (requests in any {@link #BURST_WINDOW}) and an hourly budget (0 means
 * none). Defaults as KDCube's: anonymous 10/min and 120/h, registered 160/min and 6000/h, paid
 * 220/min and 12000/h, privileged 400/min and no hourly limit. {@code STUDIO_RATE_LIMITS} overrides
 * them, e.g. {@code anonymous=5/60,paid=500/0}.
 */
public record RateLimits(Map<Lane, Limit> byTier) {
  public static final Duration BURST_WINDOW = Duration.ofSeconds(60);

  /** Burst (per window) and hourly budget (0: unlimited). */
  public record Limit(int burst, int hourly) {}

  public static RateLimits defaults() {
    var limits = new EnumMap<Lane, Limit>(Lane.class);
    limits.put(Lane.anonymous, new Limit(10, 120));
    limits.put(Lane.registered, new Limit(160, 6000));
    limits.put(Lane.paid, new Limit(220, 12000));
    limits.put(Lane.privileged, new Limit(400, 0));
    return new RateLimits(limits);
  }

  public static RateLimits parse(String variable, String text) {
    var limits = new EnumMap<>(defaults().byTier());
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] kv = entry.trim().split("=");
      String[] numbers = kv.length == 2 ? kv[1].split("/") : new String[0];
      var lane = kv.length == 2 ? Lane.named(kv[0].trim()) : java.util.Optional.<Lane>empty();
      if (lane.isEmpty() || numbers.length != 2) {
        throw new InvalidSetting(variable + " must look like anonymous=10/120,paid=220/12000 (tier=burst/hourly), got '" + entry.trim() + "'");
      }
      try {
        limits.put(lane.get(), new Limit(Integer.parseInt(numbers[0].trim()), Integer.parseInt(numbers[1].trim())));
      } catch (NumberFormatException e) {
        throw new InvalidSetting(variable + " has a limit that is not a number: '" + entry.trim() + "'");
      }
    }
    return new RateLimits(limits);
  }

  public Limit of(Lane tier) {
    return byTier.get(tier);
  }
}
