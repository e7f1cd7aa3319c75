package dev.studio.crd.v1alpha1;

/**
 * The shape of a cron expression, as the CRD checks it. The runtime's scheduler parses it fully
 * (ranges, steps, names); the schema only refuses what is plainly not cron.
 */
public final class Cron {
  private static final String ATOM = "(\\\\*|[0-9]+(-[0-9]+)?|[A-Za-z]{3}(-[A-Za-z]{3})?)(/[0-9]+)?";
  private static final String FIELD = ATOM + "(," + ATOM + ")*";

  /** Five fields or a macro, written for a CEL single-quoted string (backslashes doubled). */
  public static final String CEL_PATTERN =
      "^(@(yearly|annually|monthly|weekly|daily|hourly)|"
          + FIELD + " +" + FIELD + " +" + FIELD + " +" + FIELD + " +" + FIELD + ")$";

  private Cron() {}
}
