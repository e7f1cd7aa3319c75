package dev.studio.bundle.spi;

import java.util.Map;
import java.util.Optional;

/**
 * A JVM bundle. One instance serves one revision: it is created and started when a worker loads
 * the revision and closed when the last turn on that revision has finished.
 */
public interface StudioBundle extends AutoCloseable {

  /** Called once before any work. Throwing refuses the revision: workers keep the previous one. */
  default void start(BundleContext context) throws Exception {}

  /** Handles chat turns itself; empty lets the platform's agent loop run them. */
  default Optional<TurnHandler> turns() {
    return Optional.empty();
  }

  /** Operations by name, served at {@code /api/integrations/bundles/{org}/{bundle}/operations/{name}}. */
  default Map<String, Operation> operations() {
    return Map.of();
  }

  /** Handles the bundle's background jobs (its schedules' and those submitted to it). */
  default Optional<JobHandler> jobs() {
    return Optional.empty();
  }

  /** Releases what {@link #start} took. Called once no work runs on this revision any more. */
  @Override
  default void close() throws Exception {}
}
