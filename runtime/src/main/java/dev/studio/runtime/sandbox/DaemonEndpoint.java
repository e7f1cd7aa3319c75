package dev.studio.runtime.sandbox;

import dev.studio.runtime.Secret;
import java.net.URI;

/** Where a sandbox's daemon listens, and its token (a secret: never logged, never sent to users). */
public record DaemonEndpoint(URI control, Secret token, String previewUrl) {}
