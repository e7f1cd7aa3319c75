package dev.studio.runtime.orgfs;

import dev.studio.runtime.datastore.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The org filesystem: bytes in the object store under a fresh key per write, names and versions
 * in {@link OrgFileStore}. A write uploads first and commits the name second, so a reader never
 * sees a name whose bytes are not there yet; the replaced object is deleted after the commit.
 * (A process that dies between upload and commit leaves an unnamed object behind, never a broken
 * file.)
 */
public final class OrgFiles {
  private static final Logger log = LoggerFactory.getLogger(OrgFiles.class);

  private final ObjectStore objects;
  private final OrgFileStore store;
  private final ChangeSignals signals;
  private final long quotaBytes;

  public OrgFiles(ObjectStore objects, OrgFileStore store, ChangeSignals signals, long quotaBytes) {
    this.objects = objects;
    this.store = store;
    this.signals = signals;
    this.quotaBytes = quotaBytes;
  }

  public OrgFileStore store() {
    return store;
  }

  public ChangeSignals signals() {
    return signals;
  }

  public long quotaBytes() {
    return quotaBytes;
  }

  /** Thrown when a body grows past what the org may still keep, before it is all read. */
  public static final class TooLarge extends RuntimeException {
    private final long usedBytes;

    TooLarge(long usedBytes) {
      super(null, null, false, false);
      this.usedBytes = usedBytes;
    }

    public long usedBytes() {
      return usedBytes;
    }
  }

  /**
   * Writes the body as the path's new content. The body is spooled to a temporary file first:
   * S3 wants the length before the bytes, and a client may not send one (chunked).
   */
  public OrgFileStore.Written write(UUID org, String volume, String path, InputStream body, String ifMatch, String ifNoneMatch)
      throws IOException {
    long used = store.usage(org);
    Path spool = Files.createTempFile("orgfs-", ".part");
    try {
      long size;
      try (OutputStream out = Files.newOutputStream(spool)) {
        // The quota also bounds one file: never read more than the whole quota.
        size = copy(body, out, quotaBytes, used);
      }
      String key = "orgfs/" + org + "/" + UUID.randomUUID();
      objects.client().putObject(b -> b.bucket(objects.bucket()).key(key), RequestBody.fromFile(spool));
      OrgFileStore.Written written;
      try {
        written = store.write(org, volume, path, size, key, ifMatch, ifNoneMatch, quotaBytes);
      } catch (RuntimeException e) {
        deleteObject(key);
        throw e;
      }
      written.replacedObject().ifPresent(this::deleteObject);
      signals.changed(org, volume);
      return written;
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  public ResponseInputStream<GetObjectResponse> open(OrgFile file) {
    return objects.client().getObject(b -> b.bucket(objects.bucket()).key(file.objectKey()));
  }

  public void delete(UUID org, String volume, String path, String ifMatch) {
    String key = store.delete(org, volume, path, ifMatch);
    deleteObject(key);
    signals.changed(org, volume);
  }

  public long move(UUID org, String volume, String from, String to, String ifMatch) {
    long version = store.move(org, volume, from, to, ifMatch);
    signals.changed(org, volume);
    return version;
  }

  public Optional<OrgFile> get(UUID org, String volume, String path) {
    return store.get(org, volume, path);
  }

  private void deleteObject(String key) {
    try {
      objects.client().deleteObject(b -> b.bucket(objects.bucket()).key(key));
    } catch (RuntimeException e) {
      // The name is already gone or never committed; an object left over costs storage, not correctness.
      log.warn("could not delete object {}: {}", key, e.getMessage());
    }
  }

  private static long copy(InputStream in, OutputStream out, long quota, long used) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      total += n;
      if (total > quota) {
        throw new TooLarge(used);
      }
      out.write(buffer, 0, n);
    }
    return total;
  }
}
