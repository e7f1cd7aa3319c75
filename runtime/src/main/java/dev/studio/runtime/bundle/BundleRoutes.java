package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.RouteGroup;
import dev.studio.runtime.jobs.JobStream;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A bundle's surfaces for an organisation, under {@code /api/integrations/bundles/{org}}: the
 * bundles deployed, their operations, submitting and listing jobs, and the organisation's own props
 * and secrets of a bundle (secrets are write-only: only their names come back).
 */
public final class BundleRoutes implements RouteGroup {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "/api/integrations/bundles/{org}";
  private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9_.-]{1,128}$");
  private static final Pattern WORK_KIND = Pattern.compile("^[A-Za-z0-9_.:-]{1,128}$");

  private final Authentication authentication;
  private final BundleRegistry registry;
  private final BundleOperations operations;
  private final JobStream jobs;
  private final BundleJobLog jobLog;
  private final OrgBundleProps props;
  private final BundleSecrets secrets;

  public BundleRoutes(Authentication authentication, BundleRegistry registry, BundleOperations operations, JobStream jobs,
      BundleJobLog jobLog, OrgBundleProps props, BundleSecrets secrets) {
    this.authentication = authentication;
    this.registry = registry;
    this.operations = operations;
    this.jobs = jobs;
    this.jobLog = jobLog;
    this.props = props;
    this.secrets = secrets;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(BASE, ctx -> {
      authentication.scope(ctx);
      ctx.json(Map.of("bundles", registry.all().stream().map(this::describe).toList()));
    });
    routes.get(BASE + "/{bundle}/operations/{operation}", ctx -> operate(ctx, query(ctx)));
    routes.post(BASE + "/{bundle}/operations/{operation}", ctx -> operate(ctx, object(ctx)));
    routes.post(BASE + "/{bundle}/jobs", this::submit);
    routes.get(BASE + "/{bundle}/jobs", ctx -> {
      var scope = authentication.scope(ctx);
      String bundle = deployed(ctx);
      int limit = Math.max(1, Math.min(200, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50)));
      ctx.json(Map.of("jobs", jobLog.latest(bundle, scope.org().id(), limit).stream().map(BundleRoutes::json).toList()));
    });
    routes.get(BASE + "/{bundle}/props", ctx -> {
      var scope = authentication.scope(ctx);
      ctx.json(props.get(deployed(ctx), scope.org().id()));
    });
    routes.put(BASE + "/{bundle}/props", ctx -> {
      var scope = authentication.scope(ctx);
      String bundle = deployed(ctx);
      props.put(bundle, scope.org().id(), object(ctx));
      ctx.json(props.get(bundle, scope.org().id()));
    });
    routes.get(BASE + "/{bundle}/secrets", ctx -> {
      var scope = authentication.scope(ctx);
      ctx.json(Map.of("keys", secrets.orgKeys(deployed(ctx), scope.org().id())));
    });
    routes.put(BASE + "/{bundle}/secrets", ctx -> {
      var scope = authentication.scope(ctx);
      String bundle = deployed(ctx);
      Map<String, String> values = new LinkedHashMap<>();
      for (var it = object(ctx).fields(); it.hasNext(); ) {
        var entry = it.next();
        if (!KEY.matcher(entry.getKey()).matches()) {
          throw ApiException.badRequest(entry.getKey(), "a secret's name is letters, digits and _ . - (at most 128)");
        }
        if (!entry.getValue().isTextual() && !entry.getValue().isNull()) {
          throw ApiException.badRequest(entry.getKey(), entry.getKey() + " must be text (or null to remove it)");
        }
        values.put(entry.getKey(), entry.getValue().isNull() ? null : entry.getValue().asText());
      }
      secrets.putOrg(bundle, scope.org().id(), values);
      ctx.json(Map.of("keys", secrets.orgKeys(bundle, scope.org().id())));
    });
  }

  private void operate(Context ctx, ObjectNode input) throws InterruptedException {
    var scope = authentication.scope(ctx);
    ctx.json(operations.invoke(ctx.pathParam("bundle"), ctx.pathParam("operation"), scope.org().id(), ctx.method().name(), input));
  }

  private void submit(Context ctx) {
    var scope = authentication.scope(ctx);
    String bundle = ctx.pathParam("bundle");
    var settings = registry.settings(bundle).orElseThrow(() -> ApiException.notFound("bundle", bundle));
    if (!settings.enabled().jobs()) {
      throw new ApiException(404, "not_found", "the jobs of bundle " + bundle + " are switched off", Map.of("bundle", bundle), null);
    }
    ObjectNode body = object(ctx);
    String workKind = body.path("workKind").asText("");
    if (!WORK_KIND.matcher(workKind).matches()) {
      throw ApiException.badRequest("workKind", "workKind is required: letters, digits and _ . : - (at most 128)");
    }
    JsonNode payload = body.path("payload");
    if (!payload.isMissingNode() && !payload.isObject()) {
      throw ApiException.badRequest("payload", "payload must be a JSON object");
    }
    String dedupe = body.hasNonNull("dedupeKey") ? "bundle:" + bundle + ":" + scope.org().id() + ":" + body.get("dedupeKey").asText() : null;
    var id = BundleJobs.submit(jobs, bundle, workKind, scope.org().id(), null, payload.isMissingNode() ? null : payload, dedupe);
    ctx.status(id.isPresent() ? 202 : 200).json(id.<Map<String, Object>>map(i -> Map.of("id", i))
        .orElse(Map.of("duplicate", true)));
  }

  /** The {bundle} of the path, which must be deployed. */
  private String deployed(Context ctx) {
    String bundle = ctx.pathParam("bundle");
    registry.settings(bundle).orElseThrow(() -> ApiException.notFound("bundle", bundle));
    return bundle;
  }

  private Map<String, Object> describe(BundleRecord bundle) {
    var json = new LinkedHashMap<String, Object>();
    json.put("name", bundle.name());
    json.put("revision", bundle.revision());
    json.put("kind", bundle.kind().name());
    json.put("default", bundle.isDefault());
    json.put("enabled", bundle.enabled());
    json.put("operations", bundle.enabled().operations()
        ? registry.lease(bundle.name()).map(l -> {
          try (l) {
            return l.bundle().operations().stream().sorted().toList();
          }
        }).orElse(List.of())
        : List.of());
    json.put("schedules", bundle.schedules().stream().map(s -> Map.of("name", s.name(), "cron", s.cron(), "workKind", s.workKind()))
        .toList());
    return json;
  }

  private static Map<String, Object> json(BundleJobLog.Entry entry) {
    var json = new LinkedHashMap<String, Object>();
    json.put("id", entry.id());
    json.put("workKind", entry.workKind());
    json.put("schedule", entry.schedule());
    json.put("revision", entry.revision());
    json.put("state", entry.state().name());
    json.put("result", entry.result());
    json.put("error", entry.error());
    json.put("finishedAt", entry.finishedAt().toString());
    return json;
  }

  private static ObjectNode query(Context ctx) {
    ObjectNode input = JSON.createObjectNode();
    ctx.queryParamMap().forEach((key, values) -> input.put(key, values.isEmpty() ? "" : values.get(0)));
    return input;
  }

  static ObjectNode object(Context ctx) {
    if (ctx.body().isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(ctx.body());
      if (!(node instanceof ObjectNode object)) {
        throw ApiException.badRequest("body", "the body must be a JSON object");
      }
      return object;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.malformedJson("the body is not valid JSON: " + e.getOriginalMessage());
    }
  }
}
