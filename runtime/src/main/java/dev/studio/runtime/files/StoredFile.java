package dev.studio.runtime.files;

import java.time.Instant;
import java.util.UUID;

/** An uploaded file: {@code pending} while a presigned PUT may still deliver its bytes. */
public record StoredFile(UUID id, UUID org, String name, String contentType, String objectKey, Long size, State state, Instant createdAt) {
  public enum State {
    pending,
    ready
  }
}
