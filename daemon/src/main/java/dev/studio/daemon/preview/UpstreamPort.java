package dev.studio.daemon.preview;

import java.util.OptionalInt;

/** Where the dev server listens on loopback, once the claim's configuration says. */
@FunctionalInterface
public interface UpstreamPort {
    OptionalInt current();
}
