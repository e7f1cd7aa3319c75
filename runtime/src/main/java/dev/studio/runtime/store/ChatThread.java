package dev.studio.runtime.store;

import java.time.Instant;
import java.util.UUID;

/** A conversation of an org. */
public record ChatThread(UUID id, UUID orgId, String title, Instant createdAt) {}
