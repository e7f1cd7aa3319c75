package dev.studio.runtime.bundle;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A five-field cron expression, evaluated in UTC: <code>minute hour day-of-month month
 * day-of-week</code>, each field <code>*</code>, a value, a range <code>a-b</code>, a step
 * <code>*&#47;n</code>, <code>a-b/n</code> or <code>a/n</code> (a to the field's end), or a comma
 * list of those; months and days may be named (<code>JAN</code>, <code>mon</code>); Sunday is 0 or
 * 7. Or one of the macros <code>@hourly @daily @midnight @weekly @monthly @yearly @annually</code>.
 * It accepts everything the CRD's pattern ({@code dev.studio.crd.v1alpha1.Cron}) lets through, and
 * rejects, naming the field and the reason, what means nothing (<code>60 * * * *</code>).
 *
 * <p>As in standard cron, when both day-of-month and day-of-week are restricted a day matches if
 * either does. A field counts as unrestricted only when written <code>*</code> (or
 * <code>*&#47;1</code>), the rule Kubernetes CronJobs follow, so <code>0 0 *&#47;2 * MON</code>
 * runs on odd days and on Mondays.
 */
public final class Cron {
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  // Eight, not five: 2100 is no leap year, so `0 0 29 2 *` waits from 2096 to 2104.
  private static final int SEARCH_YEARS = 8;

  private enum Field {
    MINUTE("minute", 0, 59, List.of()),
    HOUR("hour", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
    MONTH("month", 1, 12, MONTHS),
    DAY_OF_WEEK("day-of-week", 0, 7, DAYS);

    final String label;
    final int min;
    final int max;
    final List<String> names; // names.get(i) stands for min + i (months start at 1, days at 0)

    Field(String label, int min, int max, List<String> names) {
      this.label = label;
      this.min = min;
      this.max = max;
      this.names = names;
    }
  }

  private final String source;
  // One bit per allowed value, bit i for value i.
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek; // Sunday is bit 0 only: 7 folds into it at parse time
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private Cron(String source, String[] fields) {
    this.source = source;
    this.minutes = parseField(Field.MINUTE, fields[0]);
    this.hours = parseField(Field.HOUR, fields[1]);
    this.daysOfMonth = parseField(Field.DAY_OF_MONTH, fields[2]);
    this.months = parseField(Field.MONTH, fields[3]);
    long dow = parseField(Field.DAY_OF_WEEK, fields[4]);
    this.daysOfWeek = (dow | (dow >>> 7)) & 0x7F;
    this.anyDayOfMonth = unrestricted(fields[2]);
    this.anyDayOfWeek = unrestricted(fields[4]);
  }

  /**
   * Parses a cron expression.
   *
   * @throws IllegalArgumentException naming the field that is wrong and why
   */
  public static Cron parse(String source) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("cron expression is empty");
    }
    String text = source.strip();
    if (text.startsWith("@")) {
      String expanded = MACROS.get(text.toLowerCase(Locale.ROOT));
      if (expanded == null) {
        throw new IllegalArgumentException("cron '" + source + "': unknown macro " + text
            + "; macros are @yearly @annually @monthly @weekly @daily @midnight @hourly");
      }
      text = expanded;
    }
    String[] fields = text.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("cron '" + source + "': expected 5 fields (minute hour day-of-month"
          + " month day-of-week), got " + fields.length);
    }
    try {
      return new Cron(source, fields);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cron '" + source + "': " + e.getMessage(), e);
    }
  }

  /** Whether the minute holding {@code time}, taken in UTC whatever its zone, matches. */
  public boolean matches(ZonedDateTime time) {
    return matches(time.toInstant());
  }

  /** Whether the minute holding {@code time} matches; seconds are ignored. */
  public boolean matches(Instant time) {
    LocalDateTime utc = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
    return dayMatches(utc.toLocalDate()) && has(hours, utc.getHour()) && has(minutes, utc.getMinute());
  }

  /**
   * The first matching minute strictly after {@code after}, or empty if none comes within eight
   * years (an expression like {@code 0 0 30 2 *} never matches).
   */
  public Optional<Instant> next(Instant after) {
    LocalDateTime start = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDate first = start.toLocalDate();
    LocalDate last = first.plusYears(SEARCH_YEARS);
    // Day by day, then the first allowed hour and minute: a few thousand steps at worst.
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      if (!dayMatches(day)) {
        continue;
      }
      int fromHour = day.equals(first) ? start.getHour() : 0;
      for (int hour = fromHour; hour < 24; hour++) {
        if (!has(hours, hour)) {
          continue;
        }
        int fromMinute = day.equals(first) && hour == fromHour ? start.getMinute() : 0;
        int minute = Long.numberOfTrailingZeros(minutes & (-1L << fromMinute));
        if (minute < 60) {
          return Optional.of(day.atTime(hour, minute).toInstant(ZoneOffset.UTC));
        }
      }
    }
    return Optional.empty();
  }

  /** The expression as written. */
  @Override
  public String toString() {
    return source;
  }

  private boolean dayMatches(LocalDate day) {
    if (!has(months, day.getMonthValue())) {
      return false;
    }
    boolean dom = has(daysOfMonth, day.getDayOfMonth());
    boolean dow = has(daysOfWeek, day.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    return dom || dow;
  }

  private static boolean has(long bits, int value) {
    return (bits & (1L << value)) != 0;
  }

  private static boolean unrestricted(String field) {
    return field.equals("*") || field.equals("*/1");
  }

  private static long parseField(Field field, String text) {
    long bits = 0;
    for (String atom : text.split(",", -1)) {
      bits |= parseAtom(field, atom);
    }
    return bits;
  }

  /** One of {@code *}, {@code a}, {@code a-b}, each optionally followed by {@code /step}. */
  private static long parseAtom(Field field, String atom) {
    if (atom.isEmpty()) {
      throw new IllegalArgumentException(field.label + " has an empty list item");
    }
    String range = atom;
    int step = 1;
    int slash = atom.indexOf('/');
    if (slash >= 0) {
      range = atom.substring(0, slash);
      step = number(field, atom.substring(slash + 1), "step");
      if (step == 0) {
        throw new IllegalArgumentException(field.label + " step must be at least 1, got '" + atom + "'");
      }
    }
    int from;
    int to;
    if (range.equals("*")) {
      from = field.min;
      to = field.max;
    } else {
      int dash = range.indexOf('-');
      from = value(field, dash < 0 ? range : range.substring(0, dash));
      // A lone value with a step runs to the field's end, as `5/15` does in most crons.
      to = dash >= 0 ? value(field, range.substring(dash + 1)) : slash >= 0 ? field.max : from;
      if (from > to) {
        throw new IllegalArgumentException(field.label + " range '" + range + "' starts after it ends");
      }
    }
    long bits = 0;
    // long: with a step near Integer.MAX_VALUE an int would wrap and loop again.
    for (long v = from; v <= to; v += step) {
      bits |= 1L << v;
    }
    return bits;
  }

  private static int value(Field field, String text) {
    int named = field.names.indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return field.min + named;
    }
    int value = number(field, text, "value");
    if (value < field.min || value > field.max) {
      throw new IllegalArgumentException(field.label + " value " + value + " is out of range "
          + field.min + "-" + field.max);
    }
    return value;
  }

  private static int number(Field field, String text, String what) {
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      String expected = what.equals("value") && !field.names.isEmpty()
          ? "a number or a name (" + String.join(" ", field.names) + ")"
          : "a number";
      throw new IllegalArgumentException(field.label + " " + what + " '" + text + "' is not " + expected);
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field.label + " " + what + " " + text + " is out of range");
    }
  }
}
