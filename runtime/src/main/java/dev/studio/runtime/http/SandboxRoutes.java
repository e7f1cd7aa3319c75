package dev.studio.runtime.http;

import dev.studio.runtime.sandbox.DaemonClient;
import dev.studio.runtime.sandbox.Sandbox;
import dev.studio.runtime.sandbox.SandboxService;
import dev.studio.runtime.sandbox.SandboxSpec;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /api/{org}/sandboxes}: a user's sandbox for a project (one per user and repository):
 * create (or get the existing one), read, delete, and the daemon's control calls made with the
 * user's own token, passed to the daemon with the sandbox's. Only its owner (or the admin) sees a
 * sandbox; to anyone else it does not exist.
 */
public final class SandboxRoutes implements RouteGroup {
  static final Pattern REPO = Pattern.compile("^(https?://|ssh://|git://|file:/|git@)[^\\s]{1,2000}$");
  static final Set<String> POST_CALLS = Set.of("read", "write", "edit", "unlink", "mkdir", "rename", "grep", "glob", "bash");
  static final Set<String> GIT_CALLS = Set.of("status", "diff", "publish", "discard");
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

  static final Pattern VOLUME = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
  static final Pattern VOLUME_PATH = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");

  record OrgFsVolume(String volume, String path, Boolean readOnly) {}

  record CreateSandbox(String repo, String ref, String install, String build, String start, Integer port, String threadId,
      List<OrgFsVolume> orgFs) {}

  private final Authentication authentication;
  private final SandboxService sandboxes;
  private final DaemonClient client = new DaemonClient();

  public SandboxRoutes(Authentication authentication, SandboxService sandboxes) {
    this.authentication = authentication;
    this.sandboxes = sandboxes;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/{org}/sandboxes", this::create);
    routes.get("/api/{org}/sandboxes", ctx -> {
      var scope = authentication.scope(ctx);
      ctx.json(Map.of("sandboxes", sandboxes.store().owned(scope.org().id(), scope.principal().actor()).stream().map(SandboxRoutes::json).toList()));
    });
    routes.get("/api/{org}/sandboxes/{sandbox}", ctx -> ctx.json(json(owned(ctx))));
    routes.delete("/api/{org}/sandboxes/{sandbox}", ctx -> {
      var sandbox = owned(ctx);
      sandboxes.delete(sandbox.orgId(), sandbox.id());
      ctx.status(204);
    });
    routes.post("/api/{org}/sandboxes/{sandbox}/control/git/{action}", ctx -> gitCall(ctx, "POST"));
    routes.get("/api/{org}/sandboxes/{sandbox}/control/git/{action}", ctx -> gitCall(ctx, "GET"));
    routes.post("/api/{org}/sandboxes/{sandbox}/control/{call}", ctx -> {
      String call = ctx.pathParam("call");
      if (!POST_CALLS.contains(call)) {
        throw ApiException.notFound("sandbox call", call);
      }
      control(ctx, "POST", "/_sandbox/" + call, ctx.body());
    });
  }

  private void create(Context ctx) {
    var scope = authentication.scope(ctx);
    var body = Bodies.read(ctx, CreateSandbox.class);
    String repo = Bodies.required("repo", body.repo(), 2000);
    if (!REPO.matcher(repo).matches()) {
      throw ApiException.badRequest("repo", "repo must be a git URL (https://, ssh://, git://, file:/ or git@)");
    }
    if (body.port() != null && (body.port() < 1024 || body.port() > 65535)) {
      throw ApiException.badRequest("port", "port must be between 1024 and 65535");
    }
    UUID thread = body.threadId() == null ? null : Ids.parse("threadId", body.threadId());
    var spec = new SandboxSpec(repo, Bodies.bounded("ref", body.ref(), 250), Bodies.bounded("install", body.install(), 4000),
        Bodies.bounded("build", body.build(), 4000), Bodies.bounded("start", body.start(), 4000), body.port(),
        orgFs(body.orgFs()));
    var created = sandboxes.create(scope.org().id(), scope.org().slug(), scope.principal().actor(), spec);
    if (thread != null && !sandboxes.store().attach(scope.org().id(), thread, created.sandbox().id())) {
      throw ApiException.notFound("thread", thread.toString());
    }
    ctx.status(created.created() ? 201 : 200).json(json(created.sandbox()));
  }

  private static List<SandboxSpec.OrgFsVolume> orgFs(List<OrgFsVolume> volumes) {
    if (volumes == null) {
      return List.of();
    }
    if (volumes.size() > 16) {
      throw ApiException.badRequest("orgFs", "orgFs lists at most 16 volumes");
    }
    var seen = new HashSet<String>();
    var checked = new ArrayList<SandboxSpec.OrgFsVolume>();
    for (var volume : volumes) {
      if (volume == null || volume.volume() == null || !VOLUME.matcher(volume.volume()).matches()) {
        throw ApiException.badRequest("orgFs.volume", "orgFs[].volume must be a volume name (a DNS label)");
      }
      String local = volume.path() == null ? volume.volume() : volume.path();
      if (!VOLUME_PATH.matcher(local).matches()) {
        throw ApiException.badRequest("orgFs.path", "orgFs[].path must be one directory name (letters, digits, - and _)");
      }
      if (!seen.add(local)) {
        throw ApiException.badRequest("orgFs.path", "two orgFs volumes share the path " + local);
      }
      checked.add(new SandboxSpec.OrgFsVolume(volume.volume(), volume.path(), Boolean.TRUE.equals(volume.readOnly())));
    }
    return checked;
  }

  private void gitCall(Context ctx, String method) throws Exception {
    String action = ctx.pathParam("action");
    boolean reads = action.equals("status") || action.equals("diff");
    if (!GIT_CALLS.contains(action) || reads != method.equals("GET")) {
      throw ApiException.notFound("sandbox call", "git/" + action);
    }
    control(ctx, method, "/_sandbox/git/" + action, reads ? null : ctx.body());
  }

  private void control(Context ctx, String method, String path, String body) throws Exception {
    var sandbox = owned(ctx);
    var daemon = sandboxes.daemon(sandbox)
        .orElseThrow(() -> ApiException.conflict("the sandbox is not running (" + sandbox.state() + ")"));
    var reply = client.call(daemon, method, path, body == null || body.isBlank() ? (method.equals("GET") ? null : "{}") : body,
        CALL_TIMEOUT);
    ctx.status(reply.status()).contentType("application/json").result(reply.body());
  }

  /** The caller's sandbox of the path, or 404. */
  private Sandbox owned(Context ctx) {
    var scope = authentication.scope(ctx);
    var id = Ids.parse("sandbox", ctx.pathParam("sandbox"));
    return sandboxes.get(scope.org().id(), id)
        .filter(s -> scope.principal().admin() || s.owner().equals(scope.principal().actor()))
        .orElseThrow(() -> ApiException.notFound("sandbox", id.toString()));
  }

  static Map<String, Object> json(Sandbox sandbox) {
    var json = new LinkedHashMap<String, Object>();
    json.put("id", sandbox.id().toString());
    json.put("handle", sandbox.handle());
    json.put("repo", sandbox.spec().repo());
    json.put("ref", sandbox.spec().ref());
    json.put("state", sandbox.state().name());
    json.put("phase", sandbox.phase());
    json.put("previewUrl", sandbox.previewUrl());
    json.put("error", sandbox.error());
    json.put("createdAt", sandbox.createdAt().toString());
    return json;
  }
}
