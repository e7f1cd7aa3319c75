package dev.studio.operator.status;

import dev.studio.crd.v1alpha1.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Builds conditions and keeps their {@code lastTransitionTime} stable. */
public final class Conditions {
  private Conditions() {}

  public static Condition of(String type, boolean status, String reason, String message) {
    return new Condition(type, status ? Condition.TRUE : Condition.FALSE, reason, message, null, null);
  }

  public static Condition unknown(String type, String reason, String message) {
    return new Condition(type, Condition.UNKNOWN, reason, message, null, null);
  }

  /**
   * The conditions to write: {@code current}, each stamped with the generation it was computed
   * from, and with the {@code lastTransitionTime} of {@code previous} when its status did not
   * change (so a status that does not change is not rewritten, and kstatus sees stable times),
   * plus the Reconciling and Stalled conditions kstatus reads ({@link Kstatus}).
   */
  public static List<Condition> settle(
      List<Condition> previous, List<Condition> current, long generation, Instant now) {
    String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
    return Kstatus.with(current).stream()
        .map(
            c -> {
              String since =
                  previous.stream()
                      .filter(p -> p.type().equals(c.type()) && p.status().equals(c.status()))
                      .map(Condition::lastTransitionTime)
                      .filter(t -> t != null)
                      .findFirst()
                      .orElse(nowText);
              return new Condition(c.type(), c.status(), c.reason(), c.message(), since, generation);
            })
        .toList();
  }
}
