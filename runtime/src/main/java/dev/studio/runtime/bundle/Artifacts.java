package dev.studio.runtime.bundle;

import dev.studio.runtime.datastore.ObjectStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Bundle packages in the object store, at {@code bundles/{artifact}}. */
public final class Artifacts {
  static final String PREFIX = "bundles/";

  private final ObjectStore store;

  public Artifacts(ObjectStore store) {
    this.store = store;
  }

  public void put(String artifact, byte[] zip) {
    store.client().putObject(b -> b.bucket(store.bucket()).key(PREFIX + artifact).contentType("application/zip"),
        RequestBody.fromBytes(zip));
  }

  public byte[] get(String artifact) {
    return read(store.bucket(), PREFIX + artifact);
  }

  /** An object of the platform's own store, for an import; null if there is none. */
  public byte[] importable(String bucket, String key) {
    if (!bucket.equals(store.bucket())) {
      throw new IllegalArgumentException("s3://" + bucket + " is not the platform's bucket (" + store.bucket() + ")");
    }
    try {
      return read(bucket, key);
    } catch (NoSuchKeyException e) {
      return null;
    }
  }

  private byte[] read(String bucket, String key) {
    return store.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }
}
