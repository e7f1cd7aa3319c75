package dev.studio.e2e.process;

import dev.studio.crd.v1alpha1.Condition;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.Fixtures;
import dev.studio.operator.MockCluster;
import dev.studio.operator.OperatorConfig;
import dev.studio.runtime.TestDatabase;
import dev.studio.runtime.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A platform in process mode, for the scenarios and the benchmark alike: s3proxy, a fresh
 * database, the mock API server with the real operator, and the {@link ProcessKubelet}. The
 * StudioDeployment it applies has a name of its own (so its Redis prefix and NATS subjects are its
 * own), one web, api and worker replica, and the local datastores.
 */
public final class ProcessPlatform implements AutoCloseable {
  public final String name;
  public final S3Server s3;
  public final TestDatabase database;
  public final MockCluster cluster;
  public final ProcessKubelet kubelet;
  public final PreviewGateway gateway;

  private ProcessPlatform(String prefix) {
    name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    s3 = S3Server.start();
    database = TestDatabase.create();
    cluster = MockCluster.withGatewayApi();
    kubelet = new ProcessKubelet(cluster.client, Fixtures.NAMESPACE);
    var base = MockCluster.operatorConfig();
    cluster.startOperator(new OperatorConfig(base.watchNamespaces(), false, base.leaseName(), null, prefix, 0, base.images(), 4,
        new OperatorConfig.Autoscaling("http://127.0.0.1:" + kubelet.servicePort(name + "-api"), Duration.ofSeconds(5),
            Duration.ofSeconds(60))));
    kubelet.start();
    try {
      gateway = kubelet.gateway();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A preview page as a browser would get it: sent to the cluster's gateway with the preview URL's
   * host (the preview domain's DNS would lead a browser there).
   */
  public HttpPage preview(String previewUrl) throws java.io.IOException {
    var url = java.net.URI.create(previewUrl);
    try (var socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      int body = response.indexOf("\r\n\r\n");
      return new HttpPage(status, body < 0 ? "" : response.substring(body + 4));
    }
  }

  /** A status and a body (chunk framing, if any, left in: the tests look for text in it). */
  public record HttpPage(int status, String body) {}

  public static ProcessPlatform start(String prefix) {
    return new ProcessPlatform(prefix);
  }

  /** Creates the datastore Secrets and the StudioDeployment, its worker tier as {@code worker} (YAML flow mapping). */
  public StudioDeployment apply(String worker) {
    var env = s3.env();
    cluster.client.resource(Fixtures.secret("db", Map.of("uri", database.url()))).create();
    cluster.client.resource(Fixtures.secret("s3", Map.of("access-key-id", env.get("S3_ACCESS_KEY_ID"),
        "secret-access-key", env.get("S3_SECRET_ACCESS_KEY")))).create();
    var studio = Fixtures.valid("""
        apiVersion: studio.dev/v1alpha1
        kind: StudioDeployment
        metadata: {name: %s, namespace: %s}
        spec:
          publicUrl: http://127.0.0.1:%d
          web: {replicas: 1}
          api: {replicas: 1}
          worker: %s
          database: {urlSecretRef: {name: db, key: uri}}
          redis: {url: "redis://127.0.0.1:6379"}
          nats: {url: "nats://127.0.0.1:4222"}
          objectStore: {endpoint: "%s", bucket: %s, credentialsSecretRef: {name: s3}}
          model: {provider: dev}
          sandbox: {previewDomain: preview.127.0.0.1.nip.io}
        """.formatted(name, Fixtures.NAMESPACE, webPort(), worker, env.get("S3_ENDPOINT"), env.get("S3_BUCKET")),
        StudioDeployment.class);
    return cluster.client.resource(studio).create();
  }

  public Optional<StudioDeployment> studio() {
    return Optional.ofNullable(cluster.client.resources(StudioDeployment.class).inNamespace(Fixtures.NAMESPACE).withName(name).get());
  }

  public boolean ready() {
    return studio().map(StudioDeployment::getStatus).flatMap(s -> s.condition(Condition.READY)).map(Condition::isTrue).orElse(false);
  }

  /** Where the web tier listens: users' requests go through it. */
  public int webPort() {
    return kubelet.servicePort(name + "-web");
  }

  /** The admin token the operator generated for the platform. */
  public String adminToken() {
    var secret = cluster.client.secrets().inNamespace(Fixtures.NAMESPACE).withName(name + "-generated").get();
    return Optional.ofNullable(secret).map(s -> s.getData()).map(d -> d.get("admin-token"))
        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8).trim()).orElseThrow();
  }

  @Override
  public void close() {
    gateway.close();
    kubelet.close();
    cluster.close();
    database.close();
    s3.close();
  }
}
