package dev.studio.operator.platform;

import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.OperatorConfig;
import dev.studio.operator.studio.GeneratedSecrets;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A platform's api, called with its admin token. The token is read from the platform's Secret (the
 * user's reference or the generated one) on each {@link #connect}, so a rotated token is picked up
 * without a restart; it is only ever put in the Authorization header.
 */
public final class PlatformApi {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final OperatorConfig.Autoscaling settings;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public PlatformApi(KubernetesClient client, OperatorConfig.Autoscaling settings) {
    this.client = client;
    this.settings = settings;
  }

  /** The platform has no admin token (yet): its Secret or the key in it is missing. */
  public static final class NoAdminToken extends Exception {
    public NoAdminToken(String message) {
      super(message);
    }
  }

  /** An answer: status code and body text. */
  public record Response(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** The api of {@code studio}, with its token read now. */
  public Connection connect(StudioDeployment studio) throws NoAdminToken {
    String name = studio.getMetadata().getName();
    String namespace = studio.getMetadata().getNamespace();
    var ref = GeneratedSecrets.source(studio, GeneratedSecrets.ADMIN_TOKEN);
    var secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.key())) {
      throw new NoAdminToken("no admin token yet (Secret " + ref.name() + ", key " + ref.key() + ")");
    }
    String token = new String(Base64.getDecoder().decode(secret.getData().get(ref.key())), StandardCharsets.UTF_8).trim();
    return new Connection(settings.apiUrlOf(name, namespace), token);
  }

  /** One platform's api with its token. */
  public final class Connection {
    private final String baseUrl;
    private final String token;

    private Connection(String baseUrl, String token) {
      this.baseUrl = baseUrl;
      this.token = token;
    }

    public String baseUrl() {
      return baseUrl;
    }

    public Response get(String path) throws IOException, InterruptedException {
      return send("GET", path, null, null, DEFAULT_TIMEOUT);
    }

    public Response delete(String path) throws IOException, InterruptedException {
      return send("DELETE", path, null, null, DEFAULT_TIMEOUT);
    }

    public Response send(String method, String path, String contentType, byte[] body, Duration timeout)
        throws IOException, InterruptedException {
      BodyPublisher publisher = body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body);
      var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
          .header("Authorization", "Bearer " + token)
          .timeout(timeout)
          .method(method, publisher);
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    }
  }
}
