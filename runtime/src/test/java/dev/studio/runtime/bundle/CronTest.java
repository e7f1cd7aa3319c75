package dev.studio.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronTest {

  private static Instant at(String utc) {
    return Instant.parse(utc);
  }

  /** The next {@code count} firings after {@code from}. */
  private static List<Instant> firings(String cron, String from, int count) {
    var parsed = Cron.parse(cron);
    var out = new ArrayList<Instant>();
    Instant t = at(from);
    for (int i = 0; i < count; i++) {
      t = parsed.next(t).orElseThrow();
      out.add(t);
    }
    return out;
  }

  @Test
  void everyMinute() {
    assertThat(firings("* * * * *", "2026-03-01T10:15:30Z", 3))
        .containsExactly(at("2026-03-01T10:16:00Z"), at("2026-03-01T10:17:00Z"), at("2026-03-01T10:18:00Z"));
  }

  @Test
  void nextIsStrictlyAfter() {
    var cron = Cron.parse("30 10 * * *");
    assertThat(cron.next(at("2026-03-01T10:30:00Z"))).contains(at("2026-03-02T10:30:00Z"));
    assertThat(cron.next(at("2026-03-01T10:29:59Z"))).contains(at("2026-03-01T10:30:00Z"));
  }

  @Test
  void listsRangesAndSteps() {
    assertThat(firings("0,30 9 * * *", "2026-03-01T00:00:00Z", 3))
        .containsExactly(at("2026-03-01T09:00:00Z"), at("2026-03-01T09:30:00Z"), at("2026-03-02T09:00:00Z"));
    assertThat(firings("0 9-11 * * *", "2026-03-01T00:00:00Z", 4))
        .containsExactly(at("2026-03-01T09:00:00Z"), at("2026-03-01T10:00:00Z"), at("2026-03-01T11:00:00Z"),
            at("2026-03-02T09:00:00Z"));
    assertThat(firings("*/20 * * * *", "2026-03-01T00:05:00Z", 3))
        .containsExactly(at("2026-03-01T00:20:00Z"), at("2026-03-01T00:40:00Z"), at("2026-03-01T01:00:00Z"));
    assertThat(firings("10-30/10 * * * *", "2026-03-01T00:00:00Z", 4))
        .containsExactly(at("2026-03-01T00:10:00Z"), at("2026-03-01T00:20:00Z"), at("2026-03-01T00:30:00Z"),
            at("2026-03-01T01:10:00Z"));
    // A lone value with a step runs to the field's end.
    assertThat(firings("45/5 * * * *", "2026-03-01T00:00:00Z", 4))
        .containsExactly(at("2026-03-01T00:45:00Z"), at("2026-03-01T00:50:00Z"), at("2026-03-01T00:55:00Z"),
            at("2026-03-01T01:45:00Z"));
    assertThat(firings("0 0 1,15-16 */6 *", "2026-01-20T00:00:00Z", 4))
        .containsExactly(at("2026-07-01T00:00:00Z"), at("2026-07-15T00:00:00Z"), at("2026-07-16T00:00:00Z"),
            at("2027-01-01T00:00:00Z"));
  }

  @Test
  void monthAndDayNamesInAnyCase() {
    assertThat(Cron.parse("0 9 * * MON-FRI").next(at("2026-11-21T12:00:00Z"))) // a Saturday
        .contains(at("2026-11-23T09:00:00Z"));
    assertThat(Cron.parse("0 9 * * sat,Sun").next(at("2026-11-23T12:00:00Z")))
        .contains(at("2026-11-28T09:00:00Z"));
    assertThat(firings("0 0 1 JUN-aug/2 *", "2026-01-01T00:00:00Z", 2))
        .containsExactly(at("2026-06-01T00:00:00Z"), at("2026-08-01T00:00:00Z"));
    assertThat(Cron.parse("0 0 1 DEC *").next(at("2026-01-01T00:00:00Z"))).contains(at("2026-12-01T00:00:00Z"));
  }

  @Test
  void sundayIsZeroAndSeven() {
    Instant sunday = at("2026-11-22T08:00:00Z");
    Instant monday = at("2026-11-23T08:00:00Z");
    for (String dow : List.of("0", "7", "SUN", "6-7", "7-7", "0/7")) {
      var cron = Cron.parse("0 8 * * " + dow);
      assertThat(cron.matches(sunday)).as(dow).isTrue();
      assertThat(cron.matches(monday)).as(dow).isFalse();
    }
    assertThat(Cron.parse("0 8 * * 0-7").matches(monday)).isTrue();
  }

  @Test
  void dayOfMonthOrDayOfWeekWhenBothAreRestricted() {
    var cron = Cron.parse("0 0 13 * FRI");
    assertThat(cron.matches(at("2026-11-13T00:00:00Z"))).isTrue(); // a Friday the 13th
    assertThat(cron.matches(at("2026-10-13T00:00:00Z"))).isTrue(); // the 13th, a Tuesday
    assertThat(cron.matches(at("2026-10-16T00:00:00Z"))).isTrue(); // a Friday
    assertThat(cron.matches(at("2026-10-15T00:00:00Z"))).isFalse();
    // With either one `*`, only the other decides.
    assertThat(Cron.parse("0 0 13 * *").matches(at("2026-10-16T00:00:00Z"))).isFalse();
    assertThat(Cron.parse("0 0 * * FRI").matches(at("2026-10-13T00:00:00Z"))).isFalse();
    // A step over `*` restricts the field, so the OR applies (odd days, or Mondays).
    var stepped = Cron.parse("0 0 */2 * MON");
    assertThat(stepped.matches(at("2026-11-03T00:00:00Z"))).isTrue(); // odd, a Tuesday
    assertThat(stepped.matches(at("2026-11-30T00:00:00Z"))).isTrue(); // even, a Monday
    assertThat(stepped.matches(at("2026-11-04T00:00:00Z"))).isFalse(); // even, a Wednesday
  }

  @Test
  void leapDay() {
    assertThat(Cron.parse("0 0 29 2 *").next(at("2026-01-01T00:00:00Z"))).contains(at("2028-02-29T00:00:00Z"));
    // 2100 is no leap year: the search must reach eight years ahead.
    assertThat(Cron.parse("0 0 29 2 *").next(at("2096-03-01T00:00:00Z"))).contains(at("2104-02-29T00:00:00Z"));
    assertThat(Cron.parse("0 0 30 2 *").next(at("2026-01-01T00:00:00Z"))).isEmpty();
  }

  @Test
  void macros() {
    Instant from = at("2026-11-22T10:20:00Z"); // a Sunday
    assertThat(Cron.parse("@hourly").next(from)).contains(at("2026-11-22T11:00:00Z"));
    assertThat(Cron.parse("@daily").next(from)).contains(at("2026-11-23T00:00:00Z"));
    assertThat(Cron.parse("@midnight").next(from)).contains(at("2026-11-23T00:00:00Z"));
    assertThat(Cron.parse("@weekly").next(from)).contains(at("2026-11-29T00:00:00Z"));
    assertThat(Cron.parse("@monthly").next(from)).contains(at("2026-12-01T00:00:00Z"));
    assertThat(Cron.parse("@yearly").next(from)).contains(at("2027-01-01T00:00:00Z"));
    assertThat(Cron.parse("@annually").next(from)).contains(at("2027-01-01T00:00:00Z"));
    assertThat(Cron.parse("@daily")).hasToString("@daily");
  }

  @Test
  void matchesAtMinuteGranularityInUtc() {
    var cron = Cron.parse("30 14 * * *");
    assertThat(cron.matches(at("2026-11-22T14:30:59Z"))).isTrue();
    assertThat(cron.matches(at("2026-11-22T14:31:00Z"))).isFalse();
    var paris = ZonedDateTime.of(2026, 11, 22, 15, 30, 0, 0, ZoneId.of("Europe/Paris")); // 14:30 UTC
    assertThat(cron.matches(paris)).isTrue();
  }

  @Test
  void toStringIsTheSource() {
    assertThat(Cron.parse("*/5  9-17 * * mon-fri")).hasToString("*/5  9-17 * * mon-fri");
  }

  /** Everything the CRD's pattern lets through and means something parses. */
  @ParameterizedTest
  @ValueSource(strings = {"0 0 * * *", "*/15 * * * *", "0 */2 * * *", "5/15 * * * *", "0 9 * * MON-FRI",
      "0 0 1 JAN-MAR/1 *", "0 0 1,15 * *", "0-59/30 0-23/6 1-31/10 1-12/3 0-7/2", "0 0 * * SUN,sat",
      "00 09 01 01 00", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"})
  void acceptsWhatTheCrdAccepts(String expression) {
    assertThat(expression).matches(dev.studio.crd.v1alpha1.Cron.CEL_PATTERN.replace("\\\\", "\\"));
    assertThat(Cron.parse(expression)).hasToString(expression);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "60 * * * *        | minute value 60 is out of range 0-59",
      "* 24 * * *        | hour value 24 is out of range 0-23",
      "* * 0 * *         | day-of-month value 0 is out of range 1-31",
      "* * * 13 *        | month value 13 is out of range 1-12",
      "* * * * 8         | day-of-week value 8 is out of range 0-7",
      "* * *             | expected 5 fields",
      "* * * * * *       | expected 5 fields",
      "*/0 * * * *       | minute step must be at least 1",
      "5-1 * * * *       | minute range '5-1' starts after it ends",
      "* * * FRI-MON *   | month value 'FRI' is not a number or a name (JAN",
      "* * * * FRI-MON   | day-of-week range 'FRI-MON' starts after it ends",
      "MON * * * *       | minute value 'MON' is not a number",
      "1,,2 * * * *      | minute has an empty list item",
      "*/x * * * *       | minute step 'x' is not a number",
      "* * * * 1/99999999999 | day-of-week step 99999999999 is out of range",
      "@reboot           | unknown macro @reboot",
  })
  void rejectsNamingTheField(String expression, String message) {
    assertThatThrownBy(() -> Cron.parse(expression.strip()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cron '" + expression.strip() + "': ")
        .hasMessageContaining(message);
  }
}
