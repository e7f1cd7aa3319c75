package dev.studio.runtime.testing;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 endpoint in this JVM: s3proxy on an in-memory blob store, with signature checks on, and a
 * fresh bucket. {@link #env()} is what a runtime needs to use it.
 */
public final class S3Server implements AutoCloseable {
  private static final String ACCESS_KEY = "test-access";
  private static final String SECRET_KEY = "test-secret-key";

  private final S3Proxy proxy;
  private final String endpoint;
  private final String bucket = "studio-" + UUID.randomUUID().toString().substring(0, 8);

  private S3Server() throws Exception {
    proxy = S3Proxy.builder()
        .blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    endpoint = "http://127.0.0.1:" + proxy.getPort();
    try (var client = client()) {
      client.createBucket(b -> b.bucket(bucket));
    }
  }

  public static S3Server start() {
    try {
      return new S3Server();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start s3proxy", e);
    }
  }

  public Map<String, String> env() {
    return Map.of(
        "S3_ENDPOINT", endpoint,
        "S3_BUCKET", bucket,
        "S3_REGION", "us-east-1",
        "S3_ACCESS_KEY_ID", ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY", SECRET_KEY,
        "S3_FORCE_PATH_STYLE", "true");
  }

  public String bucket() {
    return bucket;
  }

  /** A client of the store, to look at what the platform put there. */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .forcePathStyle(true)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
