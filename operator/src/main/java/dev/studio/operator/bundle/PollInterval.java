package dev.studio.operator.bundle;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the CRD writes them (Go's form: {@code 30s}, {@code 5m}, {@code 1h30m},
 * {@code 1.5h}, {@code 500ms}).
 */
public final class PollInterval {
  /** Never poll a remote faster than this, whatever the spec says: a typo must not hammer it. */
  public static final Duration MIN = Duration.ofSeconds(1);
  private static final Pattern WHOLE = Pattern.compile("^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$");
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|ms|s|m|h)");

  private PollInterval() {}

  /** The duration {@code text} says, at least {@link #MIN}. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (write e.g. 30s, 5m, 1h)");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      long unit = switch (part.group(2)) {
        case "ns" -> 1L;
        case "us" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit)));
    }
    Duration parsed = Duration.ofNanos(nanos.longValue());
    return parsed.compareTo(MIN) < 0 ? MIN : parsed;
  }
}
