package dev.studio.daemon.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.daemon.workspace.FileService;
import dev.studio.daemon.workspace.GlobService;
import dev.studio.daemon.workspace.GrepService;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;

/** The files API: {@code POST /_sandbox/{read|write|edit|unlink|mkdir|rename|grep|glob}} with JSON bodies. */
public final class FileRoutes implements RouteGroup {
  private final FileService files;
  private final GrepService grep;
  private final GlobService glob;
  private final ObjectMapper json;

  public FileRoutes(FileService files, GrepService grep, GlobService glob, ObjectMapper json) {
    this.files = files;
    this.grep = grep;
    this.glob = glob;
    this.json = json;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.post("/_sandbox/read", ctx -> ctx.json(files.read(JsonBody.read(ctx, json).requiredString("path"))));
    routes.post("/_sandbox/write", ctx -> {
      JsonBody body = JsonBody.read(ctx, json);
      String path = body.requiredString("path");
      long bytes = files.write(path, body.requiredString("content"), body.optionalString("encoding"));
      ctx.json(Map.of("path", path, "bytes", bytes));
    });
    routes.post("/_sandbox/edit", ctx -> {
      JsonBody body = JsonBody.read(ctx, json);
      String path = body.requiredString("path");
      long bytes = files.edit(path, body.requiredString("old"), body.requiredString("new"));
      ctx.json(Map.of("path", path, "bytes", bytes));
    });
    routes.post("/_sandbox/unlink", ctx -> {
      String path = JsonBody.read(ctx, json).requiredString("path");
      files.unlink(path);
      ctx.json(Map.of("path", path, "removed", true));
    });
    routes.post("/_sandbox/mkdir", ctx -> {
      String path = JsonBody.read(ctx, json).requiredString("path");
      files.mkdir(path);
      ctx.json(Map.of("path", path, "created", true));
    });
    routes.post("/_sandbox/rename", ctx -> {
      JsonBody body = JsonBody.read(ctx, json);
      String from = body.requiredString("from");
      String to = body.requiredString("to");
      files.rename(from, to);
      ctx.json(Map.of("from", from, "to", to));
    });
    routes.post("/_sandbox/grep", ctx -> {
      JsonBody body = JsonBody.read(ctx, json);
      ctx.json(grep.grep(body.requiredString("pattern"), body.optionalString("path"), body.optionalString("glob")));
    });
    routes.post("/_sandbox/glob", ctx -> ctx.json(glob.glob(JsonBody.read(ctx, json).requiredString("pattern"))));
  }
}
