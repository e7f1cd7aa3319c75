package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A bundle as the operator last put it: the revision it serves and its live settings.
 *
 * @param artifact the object-store name of the revision's package, {@code {name}__{ref}__{sha12}}
 * @param props deployment-scoped props (a JSON object)
 */
public record BundleRecord(String name, String revision, String ref, String artifact, Kind kind, boolean isDefault,
    Enabled enabled, List<Schedule> schedules, JsonNode props, long generation) {

  public BundleRecord {
    schedules = List.copyOf(schedules);
  }

  /** The kinds of bundle. */
  public enum Kind {
    Declarative,
    Jvm
  }

  /** Switches per surface: a switched-off surface answers 404 and its schedules stop. */
  public record Enabled(boolean operations, boolean jobs, boolean schedules) {
    public static final Enabled ALL = new Enabled(true, true, true);
  }

  /** A cron schedule enqueuing a job of {@code workKind}. */
  public record Schedule(String name, String cron, String workKind, JsonNode payload) {}
}
