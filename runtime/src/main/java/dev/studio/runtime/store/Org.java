package dev.studio.runtime.store;

import java.time.Instant;
import java.util.UUID;

/** An organisation; its slug is the {@code {org}} of every path. */
public record Org(UUID id, String slug, String name, Instant createdAt) {}
