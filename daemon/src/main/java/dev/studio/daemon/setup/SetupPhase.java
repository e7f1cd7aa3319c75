package dev.studio.daemon.setup;

import java.util.Locale;
import java.util.Optional;

/** The steps that turn an empty sandbox into a running project, in the order the platform calls them. */
public enum SetupPhase {
  CLONE, INSTALL, BUILD, START;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SetupPhase> parse(String id) {
    for (SetupPhase phase : values()) {
      if (phase.id().equals(id)) {
        return Optional.of(phase);
      }
    }
    return Optional.empty();
  }
}
