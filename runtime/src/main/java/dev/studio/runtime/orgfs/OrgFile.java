package dev.studio.runtime.orgfs;

import java.time.Instant;

/** A file of a volume: its path, the version that wrote it, its size and where its bytes are. */
public record OrgFile(String path, long version, long size, String objectKey, Instant updatedAt) {}
