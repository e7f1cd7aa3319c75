package dev.studio.operator.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.crd.v1alpha1.StudioDeployment;
import dev.studio.operator.platform.PlatformApi;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The bundle calls of a platform's api (docs/bundles.md, "Operator → api"). */
public final class BundleApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "/api/internal/bundles";
  /** An upload or import carries a whole bundle, and the api loads it before it answers. */
  private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private final PlatformApi api;

  public BundleApi(PlatformApi api) {
    this.api = api;
  }

  /** What the api stored: the artifact's name and its revision. */
  public record Stored(String artifact, String revision) {}

  /** One bundle as the api reports it. */
  public record Loaded(String artifact, int loadedBy, int workers) {}

  /**
   * {@code PUT /api/internal/bundles/{bundle}/artifacts/{artifact}?revision=...}: the full revision
   * goes along, as the artifact's name holds only its first 12 digits.
   */
  public void upload(StudioDeployment studio, String bundle, String artifact, String revision, byte[] zip) throws ApiFailure {
    call(studio, "PUT", BASE + "/" + encode(bundle) + "/artifacts/" + encode(artifact) + "?revision=" + encode(revision),
        "application/zip", zip, TRANSFER_TIMEOUT);
  }

  /** {@code POST /api/internal/bundles/{bundle}/imports}: the api copies the object and validates it. */
  public Stored importUri(StudioDeployment studio, String bundle, String uri, String kind) throws ApiFailure {
    ObjectNode body = JSON.createObjectNode().put("uri", uri).put("kind", kind);
    var answer = json(call(studio, "POST", BASE + "/" + encode(bundle) + "/imports", "application/json", bytes(body), TRANSFER_TIMEOUT));
    String artifact = answer.path("artifact").asText(null);
    String revision = answer.path("revision").asText(null);
    if (artifact == null || revision == null) {
      throw new ApiFailure(ApiFailure.Kind.UNAVAILABLE, "the api's answer to the import names no artifact and revision");
    }
    return new Stored(artifact, revision);
  }

  /** {@code PUT /api/internal/bundles/{bundle}}: settings, secrets included; stored and announced. */
  public void putSettings(StudioDeployment studio, String bundle, byte[] settings) throws ApiFailure {
    call(studio, "PUT", BASE + "/" + encode(bundle), "application/json", settings, CALL_TIMEOUT);
  }

  /** {@code DELETE /api/internal/bundles/{bundle}}; a bundle the api never had is deleted too. */
  public void delete(StudioDeployment studio, String bundle) throws ApiFailure {
    try {
      call(studio, "DELETE", BASE + "/" + encode(bundle), null, null, CALL_TIMEOUT);
    } catch (ApiFailure e) {
      if (e.kind() != ApiFailure.Kind.ARTIFACT_MISSING) {
        throw e;
      }
    }
  }

  /** {@code GET /api/internal/bundles}: the bundle's entry, empty when the api does not list it. */
  public Optional<Loaded> loaded(StudioDeployment studio, String bundle) throws ApiFailure {
    var answer = json(call(studio, "GET", BASE, null, null, CALL_TIMEOUT));
    int workers = answer.path("workers").asInt(0);
    for (JsonNode entry : answer.path("bundles")) {
      if (bundle.equals(entry.path("name").asText())) {
        return Optional.of(new Loaded(entry.path("artifact").asText(null), entry.path("loadedBy").asInt(0), workers));
      }
    }
    return Optional.empty();
  }

  private PlatformApi.Response call(StudioDeployment studio, String method, String path, String contentType, byte[] body,
      Duration timeout) throws ApiFailure {
    String where = "the api of " + studio.getMetadata().getName();
    PlatformApi.Response response;
    try {
      response = api.connect(studio).send(method, path, contentType, body, timeout);
    } catch (PlatformApi.NoAdminToken e) {
      throw new ApiFailure(ApiFailure.Kind.UNAVAILABLE, where + " cannot be called: " + e.getMessage());
    } catch (IOException e) {
      throw new ApiFailure(ApiFailure.Kind.UNAVAILABLE, where + " did not answer " + method + " " + path + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiFailure(ApiFailure.Kind.UNAVAILABLE, "interrupted while calling " + where);
    }
    if (response.ok()) {
      return response;
    }
    throw switch (response.status()) {
      // 422: the bundle does not load; 400: the settings are refused (a schedule the api cannot parse).
      // 413: larger than the api accepts; no retry makes it smaller.
      case 400, 413, 422 -> new ApiFailure(ApiFailure.Kind.INVALID,
          errorMessage(response.body()).orElse("the api refused the bundle (" + response.status() + ")"));
      case 404 -> new ApiFailure(ApiFailure.Kind.ARTIFACT_MISSING, where + " answered 404 to " + method + " " + path);
      default -> new ApiFailure(ApiFailure.Kind.UNAVAILABLE, where + " answered " + response.status() + " to " + method + " " + path
          + errorMessage(response.body()).map(m -> ": " + m).orElse(""));
    };
  }

  /** {@code error.message} of the api's error shape, if the body has one. */
  static Optional<String> errorMessage(String body) {
    try {
      String message = JSON.readTree(body).path("error").path("message").asText(null);
      return Optional.ofNullable(message).filter(m -> !m.isBlank());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static JsonNode json(PlatformApi.Response response) throws ApiFailure {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ApiFailure(ApiFailure.Kind.UNAVAILABLE, "the api answered something that is not JSON");
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
