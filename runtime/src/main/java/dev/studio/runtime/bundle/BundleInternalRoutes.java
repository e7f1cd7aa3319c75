package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.dispatch.Heartbeats;
import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the operator feeds the platform bundles through (admin token; docs/bundles.md): accepted
 * artifacts, a bundle's revision and settings, its retraction, and how many workers serve it.
 */
public final class BundleInternalRoutes implements RouteGroup {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long MAX_ARTIFACT_BYTES = 64L * 1024 * 1024;
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?$");
  private static final Pattern ARTIFACT = Pattern.compile("^([a-z0-9]([-a-z0-9]*[a-z0-9])?)__[A-Za-z0-9._-]{1,255}__([0-9a-f]{12})$");
  private static final Pattern URI_SOURCE = Pattern.compile("^s3://([a-z0-9][a-z0-9.-]*[a-z0-9])/(.+)$");

  private final BundleStore store;
  private final BundleSecrets secrets;
  private final Artifacts artifacts;
  private final BundleRegistry registry;
  private final BundleAnnouncements announcements;
  private final Heartbeats heartbeats;

  public BundleInternalRoutes(BundleStore store, BundleSecrets secrets, Artifacts artifacts, BundleRegistry registry,
      BundleAnnouncements announcements, Heartbeats heartbeats) {
    this.store = store;
    this.secrets = secrets;
    this.artifacts = artifacts;
    this.registry = registry;
    this.announcements = announcements;
    this.heartbeats = heartbeats;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.put("/api/internal/bundles/{bundle}/artifacts/{artifact}", this::upload);
    routes.post("/api/internal/bundles/{bundle}/imports", this::importObject);
    routes.put("/api/internal/bundles/{bundle}", this::put);
    routes.delete("/api/internal/bundles/{bundle}", ctx -> {
      Authentication.admin(ctx);
      String bundle = name(ctx);
      if (store.delete(bundle)) {
        announcements.changed(bundle);
      }
      ctx.status(204);
    });
    routes.get("/api/internal/bundles", ctx -> {
      Authentication.admin(ctx);
      var workers = heartbeats.live();
      List<Map<String, Object>> bundles = new ArrayList<>();
      for (BundleRecord bundle : store.all()) {
        long loadedBy = workers.stream().filter(w -> bundle.artifact().equals(w.bundles().get(bundle.name()))).count();
        bundles.add(Map.of("name", bundle.name(), "revision", bundle.revision(), "artifact", bundle.artifact(), "loadedBy", loadedBy));
      }
      ctx.json(Map.of("bundles", bundles, "workers", workers.size()));
    });
  }

  private void upload(Context ctx) throws IOException {
    Authentication.admin(ctx);
    String bundle = name(ctx);
    String artifact = ctx.pathParam("artifact");
    var parts = ARTIFACT.matcher(artifact);
    if (!parts.matches() || !parts.group(1).equals(bundle)) {
      throw ApiException.badRequest("artifact", "an artifact is named {bundle}__{ref}__{sha12} after its bundle " + bundle);
    }
    byte[] zip = read(ctx.bodyInputStream());
    String revision = ctx.queryParamMap().containsKey("revision") ? ctx.queryParam("revision") : parts.group(3);
    accept(ctx, bundle, artifact, revision, zip);
  }

  private void importObject(Context ctx) {
    Authentication.admin(ctx);
    String bundle = name(ctx);
    JsonNode body = BundleRoutes.object(ctx);
    var uri = URI_SOURCE.matcher(body.path("uri").asText(""));
    if (!uri.matches()) {
      throw ApiException.badRequest("uri", "uri must be s3://bucket/key");
    }
    byte[] object;
    try {
      object = artifacts.importable(uri.group(1), uri.group(2));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("uri", e.getMessage());
    }
    if (object == null) {
      throw invalid("there is no object at " + body.path("uri").asText());
    }
    if (object.length > MAX_ARTIFACT_BYTES) {
      throw ApiException.tooLarge(MAX_ARTIFACT_BYTES);
    }
    byte[] zip = Packages.asBundleZip(object);
    String revision = Packages.sha256(object);
    accept(ctx, bundle, bundle + "__uri__" + revision.substring(0, 12), revision, zip);
  }

  /** Validates a package by loading it, then stores and records it: 201, or 200 if it was there already. */
  private void accept(Context ctx, String bundle, String artifact, String revision, byte[] zip) {
    if (store.artifact(artifact).isPresent()) {
      ctx.status(200).json(Map.of("artifact", artifact, "revision", revision));
      return;
    }
    var kind = Packages.kindOf(zip);
    try {
      registry.validate(bundle, revision, kind, zip);
    } catch (InvalidBundle e) {
      throw invalid(e.getMessage());
    }
    artifacts.put(artifact, zip);
    store.addArtifact(new BundleStore.Artifact(artifact, bundle, revision, kind, zip.length));
    ctx.status(201).json(Map.of("artifact", artifact, "revision", revision, "kind", kind.name()));
  }

  private void put(Context ctx) {
    Authentication.admin(ctx);
    String bundle = name(ctx);
    JsonNode body = BundleRoutes.object(ctx);
    String artifactName = required(body, "artifact");
    var artifact = store.artifact(artifactName).orElseThrow(() -> new ApiException(404, "not_found",
        "artifact " + artifactName + " was never uploaded", Map.of("artifact", artifactName), null));
    var kind = body.hasNonNull("kind") ? kind(body.get("kind").asText()) : artifact.kind();
    if (kind != artifact.kind()) {
      throw invalid("the Bundle's kind is " + kind + " but its package is a " + artifact.kind() + " bundle");
    }
    JsonNode enabled = body.path("enabled");
    List<BundleRecord.Schedule> schedules = new ArrayList<>();
    for (JsonNode s : body.path("schedules")) {
      String cron = required(s, "cron");
      try {
        Cron.parse(cron);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("schedules", e.getMessage());
      }
      schedules.add(new BundleRecord.Schedule(required(s, "name"), cron, required(s, "workKind"),
          s.path("payload").isObject() ? s.get("payload") : JSON.createObjectNode()));
    }
    JsonNode props = body.path("props").isObject() ? body.get("props") : JSON.createObjectNode();
    Map<String, String> deploymentSecrets = new HashMap<>();
    body.path("secrets").fields().forEachRemaining(e -> deploymentSecrets.put(e.getKey(), e.getValue().asText()));
    var record = new BundleRecord(bundle, artifact.revision(), body.path("ref").asText("") , artifactName, kind,
        body.path("default").asBoolean(false),
        new BundleRecord.Enabled(enabled.path("operations").asBoolean(true), enabled.path("jobs").asBoolean(true),
            enabled.path("schedules").asBoolean(true)),
        schedules, props, body.path("generation").asLong(0));
    secrets.replaceDeployment(bundle, deploymentSecrets);
    store.put(record);
    announcements.changed(bundle);
    var answer = new LinkedHashMap<String, Object>();
    answer.put("name", bundle);
    answer.put("revision", record.revision());
    answer.put("artifact", artifactName);
    ctx.json(answer);
  }

  private static String name(Context ctx) {
    String bundle = ctx.pathParam("bundle");
    if (!NAME.matcher(bundle).matches()) {
      throw ApiException.badRequest("bundle", "a bundle is named like a Kubernetes object: lowercase letters, digits and '-'");
    }
    return bundle;
  }

  private static BundleRecord.Kind kind(String kind) {
    try {
      return BundleRecord.Kind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("kind", "kind is Declarative or Jvm");
    }
  }

  private static String required(JsonNode node, String field) {
    if (!node.path(field).isTextual() || node.get(field).asText().isBlank()) {
      throw ApiException.badRequest(field, field + " is required");
    }
    return node.get(field).asText();
  }

  private static ApiException invalid(String message) {
    return new ApiException(422, "invalid_bundle", message, Map.of(), null);
  }

  private static byte[] read(InputStream in) throws IOException {
    var out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) > 0; ) {
      if (out.size() + n > MAX_ARTIFACT_BYTES) {
        throw ApiException.tooLarge(MAX_ARTIFACT_BYTES);
      }
      out.write(buffer, 0, n);
    }
    if (out.size() == 0) {
      throw ApiException.badRequest("body", "the body is the packaged bundle (a zip)");
    }
    return out.toByteArray();
  }
}
