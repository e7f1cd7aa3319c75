package dev.studio.operator.workerpool;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.OperatorConfig;
import dev.studio.operator.studio.GeneratedSecrets;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a platform's api ({@code GET /api/internal/queues}) with its admin token, read from the
 * platform's Secret. The operator never talks to the datastores itself.
 */
public final class ApiQueueDepths implements QueueDepths {
  private static final Logger log = LoggerFactory.getLogger(ApiQueueDepths.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final OperatorConfig.Autoscaling settings;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public ApiQueueDepths(KubernetesClient client, OperatorConfig.Autoscaling settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public Optional<Map<String, Depth>> of(StudioDeployment studio) {
    String name = studio.getMetadata().getName();
    String namespace = studio.getMetadata().getNamespace();
    try {
      var ref = GeneratedSecrets.source(studio, GeneratedSecrets.ADMIN_TOKEN);
      var secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
      if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.key())) {
        log.info("queue depth of {}/{}: no admin token yet", namespace, name);
        return Optional.empty();
      }
      String token = new String(Base64.getDecoder().decode(secret.getData().get(ref.key())), StandardCharsets.UTF_8).trim();
      var request = HttpRequest.newBuilder(URI.create(settings.apiUrlOf(name, namespace) + "/api/internal/queues"))
          .header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(5))
          .GET().build();
      var response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        log.info("queue depth of {}/{}: the api answered {}", namespace, name, response.statusCode());
        return Optional.empty();
      }
      Map<String, Depth> depths = new HashMap<>();
      JSON.readTree(response.body()).path("lanes").fields().forEachRemaining(lane ->
          depths.put(lane.getKey(), new Depth(lane.getValue().path("queued").asLong(), lane.getValue().path("running").asLong())));
      return Optional.of(depths);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      log.info("queue depth of {}/{}: {}", namespace, name, e.getMessage());
      return Optional.empty();
    }
  }
}
