package dev.studio.operator.workerpool;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.platform.PlatformApi;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks a platform's api ({@code GET /api/internal/queues}) for the depth of its queues. */
public final class ApiQueueDepths implements QueueDepths {
  private static final Logger log = LoggerFactory.getLogger(ApiQueueDepths.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PlatformApi api;

  public ApiQueueDepths(PlatformApi api) {
    this.api = api;
  }

  @Override
  public Optional<Map<String, Depth>> of(StudioDeployment studio) {
    String name = studio.getMetadata().getName();
    String namespace = studio.getMetadata().getNamespace();
    try {
      var response = api.connect(studio).get("/api/internal/queues");
      if (response.status() != 200) {
        log.info("queue depth of {}/{}: the api answered {}", namespace, name, response.status());
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
