package dev.studio.runtime.bundle;

import java.util.Optional;
import java.util.Set;

/** A revision loaded in this process: what the platform calls for each of its surfaces. */
public sealed interface LoadedBundle extends AutoCloseable permits DeclarativeBundle, JvmBundle {
  String name();

  String revision();

  /** The platform agent loop's settings from bundle.yaml, when the bundle has one. */
  Optional<BundleDefinition> definition();

  Set<String> operations();

  /** Releases the revision (a JVM bundle's class loader); called when no work runs on it any more. */
  @Override
  void close();
}
