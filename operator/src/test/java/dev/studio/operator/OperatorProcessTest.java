package dev.studio.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's settings and its own HTTP endpoints. */
class OperatorProcessTest {

  @Test
  void settingsFromTheEnvironment() {
    var config = OperatorConfig.fromEnv(Map.of("WATCH_NAMESPACES", "team-a, team-b", "LEADER_ELECTION_ENABLED", "false",
        "POD_NAMESPACE", "studio-system", "POD_NAME", "op-1", "STUDIO_VERSION", "2.0.0"));
    assertThat(config.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.leaseNamespace()).isEqualTo("studio-system");
    assertThat(config.identity()).isEqualTo("op-1");
    assertThat(config.images().version()).isEqualTo("2.0.0");
    assertThat(OperatorConfig.fromEnv(Map.of()).watchNamespaces()).isEmpty();
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("LEADER_ELECTION_ENABLED", "maybe")))
        .hasMessage("LEADER_ELECTION_ENABLED must be true or false, not 'maybe'");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("RECONCILE_THREADS", "0")))
        .hasMessage("RECONCILE_THREADS must be between 1 and 200, not 0");
  }

  @Test
  void metricsAndProbesAreServed() throws Exception {
    try (var cluster = MockCluster.start()) {
      var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      var operator = new StudioOperator(cluster.client, MockCluster.operatorConfig(), registry, false);
      try (var http = new OperatorHttpServer(0, registry, operator::ready)) {
        var client = HttpClient.newHttpClient();
        assertThat(get(client, http, "/readyz").statusCode()).isEqualTo(503);
        operator.start();
        Fixtures.datastoreSecrets().forEach(s -> cluster.client.resource(s).create());
        cluster.client.resource(Fixtures.studio("acme")).create();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          assertThat(get(client, http, "/readyz").statusCode()).isEqualTo(200);
          assertThat(get(client, http, "/metrics").body()).contains("operator_sdk_reconciliations_success_total");
        });
        assertThat(get(client, http, "/healthz").statusCode()).isEqualTo(200);
      } finally {
        operator.close();
      }
    }
  }

  private static HttpResponse<String> get(HttpClient client, OperatorHttpServer http, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
