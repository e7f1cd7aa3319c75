package dev.studio.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each role starts against the local PostgreSQL, Redis and NATS and reports ready. */
class RuntimeRolesTest {
  static TestDatabase database;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void createDatabase() {
    database = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() {
    database.close();
  }

  @ParameterizedTest
  @EnumSource(Role.class)
  void startsMigratesAndReportsReady(Role role) throws Exception {
    try (var runtime = StudioRuntime.start(RuntimeConfig.fromEnv(TestEnv.of(database, role)))) {
      var ready = get(runtime, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"status\":\"ready\"").contains("\"postgres\":{\"ok\":true")
          .contains("\"redis\":{\"ok\":true").contains("\"nats\":{\"ok\":true");
      assertThat(get(runtime, "/health/live").statusCode()).isEqualTo(200);

      var metrics = get(runtime, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("http_server_requests_seconds_count{method=\"GET\",route=\"/health/ready\",status=\"200\"}");

      var unknown = get(runtime, "/nothing-here");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("\"error\":{\"code\":\"not_found\"");
      // Only roles that serve the api have api routes; those answer strangers with 401.
      var anonymous = get(runtime, "/api/acme/threads");
      assertThat(anonymous.statusCode()).isEqualTo(role.servesApi() ? 401 : 404);

      Integer migrated = runtime.datastores().postgres().jdbi().withHandle(h ->
          h.createQuery("select count(*) from schema_migrations").mapTo(Integer.class).one());
      assertThat(migrated).isGreaterThanOrEqualTo(1);
    }
  }

  static HttpResponse<String> get(StudioRuntime runtime, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
