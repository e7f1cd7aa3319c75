package dev.studio.runtime.datastore;

import dev.studio.runtime.RuntimeConfig;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The S3-compatible object store: a client and a presigner for one bucket. */
public final class ObjectStore implements AutoCloseable {
  private final S3Client client;
  private final S3Presigner presigner;
  private final String bucket;

  public ObjectStore(RuntimeConfig.ObjectStore settings) {
    var credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey().reveal()));
    var s3Config = S3Configuration.builder().pathStyleAccessEnabled(settings.forcePathStyle()).build();
    client = S3Client.builder()
        .endpointOverride(URI.create(settings.endpoint()))
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .serviceConfiguration(s3Config)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    presigner = S3Presigner.builder()
        .endpointOverride(URI.create(settings.endpoint()))
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .serviceConfiguration(s3Config)
        .build();
    bucket = settings.bucket();
  }

  public S3Client client() {
    return client;
  }

  public S3Presigner presigner() {
    return presigner;
  }

  public String bucket() {
    return bucket;
  }

  public void ping() {
    client.headBucket(b -> b.bucket(bucket));
  }

  @Override
  public void close() {
    presigner.close();
    client.close();
  }
}
