package dev.studio.runtime.bundle;

import java.util.Optional;
import java.util.Set;

/** A declarative bundle: its bundle.yaml is all there is. */
public record DeclarativeBundle(String name, String revision, BundleDefinition spec) implements LoadedBundle {
  @Override
  public Optional<BundleDefinition> definition() {
    return Optional.of(spec);
  }

  @Override
  public Set<String> operations() {
    return spec.operations().keySet();
  }

  @Override
  public void close() {}
}
