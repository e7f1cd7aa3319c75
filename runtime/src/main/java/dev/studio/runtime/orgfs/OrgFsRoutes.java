package dev.studio.runtime.orgfs;

import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.Bodies;
import dev.studio.runtime.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code /api/{org}/fs/{volume}/…}, the org filesystem (DESIGN §6):
 * <ul>
 *   <li>{@code GET list?path=dir&recursive=1} → {@code {entries: [{path, type, size?, etag?}], cursor}}</li>
 *   <li>{@code GET file?path=} → the bytes, with {@code ETag}</li>
 *   <li>{@code PUT file?path=} with the bytes as body, optional {@code If-Match} / {@code If-None-Match: *}
 *       → {@code 201|200 {path, etag, size}}; 412 when the version moved on</li>
 *   <li>{@code DELETE file?path=} (optional {@code If-Match}) → 204</li>
 *   <li>{@code POST move {from, to}} (optional {@code If-Match} on {@code from}) → {@code {path, etag}}</li>
 *   <li>{@code GET changes?since=<cursor>&wait=1} → {@code {changes: [{seq, path, kind, etag?}], cursor}},
 *       held open until something changes (woken through NATS) or the wait ends</li>
 * </ul>
 * {@code public-*} volumes are read-only; only the admin token publishes into them.
 */
public final class OrgFsRoutes implements RouteGroup {
  private static final int MAX_CHANGES = 1000;

  private final Authentication authentication;
  private final OrgFiles files;
  private final Duration changesWait;

  record Move(String from, String to) {}

  public OrgFsRoutes(Authentication authentication, OrgFiles files, Duration changesWait) {
    this.authentication = authentication;
    this.files = files;
    this.changesWait = changesWait;
  }

  @Override
  public void register(RoutesConfig routes) {
    String base = "/api/{org}/fs/{volume}";
    routes.get(base + "/list", this::list);
    routes.get(base + "/file", this::read);
    routes.put(base + "/file", this::write);
    routes.delete(base + "/file", this::delete);
    routes.post(base + "/move", this::move);
    routes.get(base + "/changes", this::changes);
  }

  /** The org and volume of the path, after the token and org checks every route makes. */
  private record Target(UUID org, String volume) {}

  private Target target(Context ctx, boolean writing) {
    var scope = authentication.scope(ctx);
    String volume = ctx.pathParam("volume");
    if (!OrgPaths.validVolume(volume)) {
      throw ApiException.badRequest("volume", "a volume name is 1-63 lowercase letters, digits, '-' or '_'");
    }
    if (writing && OrgPaths.readOnly(volume) && !scope.principal().admin()) {
      throw new ApiException(403, "read_only_volume", "volume " + volume + " is read-only (public-* volumes are published content)",
          Map.of("volume", volume), null);
    }
    return new Target(scope.org().id(), volume);
  }

  private static String path(String field, String value) {
    OrgPaths.problem(value).ifPresent(problem -> {
      throw ApiException.badRequest(field, problem);
    });
    return value;
  }

  private void list(Context ctx) {
    var target = target(ctx, false);
    String directory = ctx.queryParam("path") == null ? "" : ctx.queryParam("path");
    OrgPaths.directoryProblem(directory).ifPresent(problem -> {
      throw ApiException.badRequest("path", problem);
    });
    boolean recursive = "1".equals(ctx.queryParam("recursive")) || "true".equals(ctx.queryParam("recursive"));
    // The cursor is read first: a change committed while listing then shows up again in the feed.
    long cursor = files.store().cursor(target.org(), target.volume());
    var all = files.store().list(target.org(), target.volume(), directory);
    var entries = new TreeMap<String, Map<String, Object>>();
    String prefix = directory.isEmpty() ? "" : directory + "/";
    for (OrgFile file : all) {
      String rest = file.path().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (recursive || slash < 0) {
        var entry = new LinkedHashMap<String, Object>();
        entry.put("path", file.path());
        entry.put("type", "file");
        entry.put("size", file.size());
        entry.put("etag", OrgPaths.etag(file.version()));
        entry.put("updatedAt", file.updatedAt().toString());
        entries.put(file.path(), entry);
      } else {
        String dir = prefix + rest.substring(0, slash);
        entries.computeIfAbsent(dir, d -> new LinkedHashMap<>(Map.of("path", d, "type", "dir")));
      }
    }
    ctx.json(Map.of("entries", List.copyOf(entries.values()), "cursor", cursor));
  }

  private void read(Context ctx) {
    var target = target(ctx, false);
    String path = path("path", ctx.queryParam("path"));
    var file = files.get(target.org(), target.volume(), path).orElseThrow(() -> ApiException.notFound("file", path));
    String etag = OrgPaths.etag(file.version());
    ctx.header("ETag", etag);
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType("application/octet-stream");
    ctx.header("Content-Length", Long.toString(file.size()));
    ctx.result(files.open(file));
  }

  private void write(Context ctx) throws Exception {
    var target = target(ctx, true);
    String path = path("path", ctx.queryParam("path"));
    long declared = ctx.contentLength();
    if (declared > files.quotaBytes()) {
      throw quota(files.store().usage(target.org()));
    }
    OrgFileStore.Written written;
    try {
      written = files.write(target.org(), target.volume(), path, ctx.bodyInputStream(), ctx.header("If-Match"), ctx.header("If-None-Match"));
    } catch (OrgFiles.TooLarge e) {
      throw quota(e.usedBytes());
    } catch (Refusal e) {
      throw refusal(e);
    }
    String etag = OrgPaths.etag(written.version());
    ctx.header("ETag", etag);
    var json = new LinkedHashMap<String, Object>();
    json.put("path", path);
    json.put("etag", etag);
    json.put("created", written.created());
    ctx.status(written.created() ? 201 : 200).json(json);
  }

  private void delete(Context ctx) {
    var target = target(ctx, true);
    String path = path("path", ctx.queryParam("path"));
    try {
      files.delete(target.org(), target.volume(), path, ctx.header("If-Match"));
    } catch (Refusal e) {
      throw refusal(e);
    }
    ctx.status(204);
  }

  private void move(Context ctx) {
    var target = target(ctx, true);
    var body = Bodies.read(ctx, Move.class);
    String from = path("from", body.from());
    String to = path("to", body.to());
    long version;
    try {
      version = files.move(target.org(), target.volume(), from, to, ctx.header("If-Match"));
    } catch (Refusal e) {
      throw refusal(e);
    }
    ctx.header("ETag", OrgPaths.etag(version));
    ctx.json(Map.of("path", to, "etag", OrgPaths.etag(version)));
  }

  private void changes(Context ctx) throws InterruptedException {
    var target = target(ctx, false);
    long since;
    try {
      since = Long.parseLong(ctx.queryParamAsClass("since", String.class).getOrDefault("0"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("since", "since is the cursor of an earlier answer (a number)");
    }
    boolean wait = "1".equals(ctx.queryParam("wait")) || "true".equals(ctx.queryParam("wait"));
    var store = files.store();
    List<Change> changes;
    try (var waiter = files.signals().waiter(target.org(), target.volume())) {
      changes = store.changes(target.org(), target.volume(), since, MAX_CHANGES);
      if (changes.isEmpty() && wait && waiter.await(changesWait)) {
        changes = store.changes(target.org(), target.volume(), since, MAX_CHANGES);
      }
    }
    long cursor = changes.isEmpty() ? since : changes.get(changes.size() - 1).seq();
    var list = changes.stream().map(change -> {
      var json = new LinkedHashMap<String, Object>();
      json.put("seq", change.seq());
      json.put("path", change.path());
      json.put("kind", change.kind().name());
      if (change.kind() == Change.Kind.write) {
        json.put("etag", OrgPaths.etag(change.seq()));
        json.put("size", change.size());
      }
      return json;
    }).toList();
    ctx.json(Map.of("changes", list, "cursor", cursor));
  }

  private ApiException quota(long used) {
    return new ApiException(413, "quota_exceeded",
        "the org's files may take at most " + files.quotaBytes() + " bytes in all; " + used + " are in use",
        Map.of("limitBytes", files.quotaBytes(), "usedBytes", used), null);
  }

  private ApiException refusal(Refusal e) {
    return switch (e.reason()) {
      case precondition -> new ApiException(412, "precondition_failed", e.getMessage(), Map.of(), null);
      case quota -> quota(e.usedBytes());
      case exists -> ApiException.conflict(e.getMessage());
      case missing -> new ApiException(404, "not_found", e.getMessage(), Map.of(), null);
    };
  }
}
