package dev.studio.bundle.spi;

/**
 * Handles a bundle's background jobs. A job may be delivered again (a worker died after the work
 * but before it was acknowledged): use {@link BundleJob#id()} to make a repeat harmless.
 */
@FunctionalInterface
public interface JobHandler {
  /**
   * Returns the job's result, a JSON-able value (or null) kept in the bundle's job history.
   * Throwing has the job delivered again later, up to a limit.
   */
  Object handle(BundleJob job) throws Exception;
}
