package dev.studio.runtime.sandbox;

import dev.studio.runtime.Secret;
import java.net.URI;

/**
 * Where a sandbox's daemon listens, and its token (a secret: never logged, never sent to users).
 * {@code previewUrl} is the public preview; {@code previewInternal} the same port as the platform
 * reaches it (to see when the dev server is up); {@code orgFsRoot} where the org-fs sidecar keeps
 * the org's volumes.
 */
public record DaemonEndpoint(URI control, Secret token, String previewUrl, URI previewInternal, String orgFsRoot) {}
