package dev.studio.runtime.store;

import java.time.Instant;
import java.util.UUID;

/** A message of a thread: a user's, or the assistant's answer of a run. */
public record Message(UUID id, UUID threadId, String role, String text, UUID runId, Instant createdAt) {}
