package dev.studio.runtime.files;

import dev.studio.runtime.datastore.ObjectStore;
import dev.studio.runtime.http.ApiException;
import dev.studio.runtime.http.Authentication;
import dev.studio.runtime.http.Bodies;
import dev.studio.runtime.http.Ids;
import dev.studio.runtime.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code /api/{org}/files}: files an org keeps on the object store.
 * <ul>
 *   <li>{@code POST /files?name=} with the bytes as body → {@code 201} the file (ready)</li>
 *   <li>{@code POST /files/uploads {name, contentType?}} → {@code 201 {id, url, method: "PUT", headers, expiresAt}}:
 *       the client PUTs the bytes straight to the object store, then calls
 *       {@code POST /files/{id}/complete}, which records the size</li>
 *   <li>{@code GET /files}, {@code GET /files/{id}} (with a presigned GET {@code url} when ready),
 *       {@code DELETE /files/{id}}</li>
 * </ul>
 * Presigned URLs let large bytes bypass the api processes; they name the object store's endpoint
 * as configured, so that endpoint must be one the client can reach.
 */
public final class FileRoutes implements RouteGroup {
  private static final int MAX_LIST = 200;

  private final Authentication authentication;
  private final FileStore files;
  private final ObjectStore objects;
  private final long maxUploadBytes;
  private final Duration urlTtl;

  record NewUpload(String name, String contentType) {}

  public FileRoutes(Authentication authentication, FileStore files, ObjectStore objects, long maxUploadBytes, Duration urlTtl) {
    this.authentication = authentication;
    this.files = files;
    this.objects = objects;
    this.maxUploadBytes = maxUploadBytes;
    this.urlTtl = urlTtl;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/{org}/files", this::upload);
    routes.get("/api/{org}/files", this::list);
    routes.post("/api/{org}/files/uploads", this::presignUpload);
    routes.get("/api/{org}/files/{file}", this::get);
    routes.post("/api/{org}/files/{file}/complete", this::complete);
    routes.delete("/api/{org}/files/{file}", this::delete);
  }

  private void upload(Context ctx) throws IOException {
    var scope = authentication.scope(ctx);
    String name = name(ctx.queryParam("name"));
    String contentType = contentType(ctx.header("Content-Type"));
    if (ctx.contentLength() > maxUploadBytes) {
      throw ApiException.tooLarge(maxUploadBytes);
    }
    UUID id = UUID.randomUUID();
    String key = key(scope.org().id(), id);
    // Spooled: S3 wants the length first, and a chunked request has none.
    Path spool = Files.createTempFile("upload-", ".part");
    try {
      long size;
      try (InputStream in = ctx.bodyInputStream(); OutputStream out = Files.newOutputStream(spool)) {
        size = copy(in, out);
      }
      objects.client().putObject(b -> b.bucket(objects.bucket()).key(key).contentType(contentType), RequestBody.fromFile(spool));
      var file = files.create(id, scope.org().id(), name, contentType, key, size, StoredFile.State.ready);
      ctx.status(201).json(json(file, true));
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  private void presignUpload(Context ctx) {
    var scope = authentication.scope(ctx);
    var body = Bodies.read(ctx, NewUpload.class);
    String name = name(body.name());
    String contentType = contentType(body.contentType());
    UUID id = UUID.randomUUID();
    String key = key(scope.org().id(), id);
    files.create(id, scope.org().id(), name, contentType, key, null, StoredFile.State.pending);
    var presigned = objects.presigner().presignPutObject(p -> p.signatureDuration(urlTtl)
        .putObjectRequest(r -> r.bucket(objects.bucket()).key(key).contentType(contentType)));
    var json = new LinkedHashMap<String, Object>();
    json.put("id", id.toString());
    json.put("url", presigned.url().toString());
    json.put("method", "PUT");
    json.put("headers", Map.of("Content-Type", contentType));
    json.put("maxBytes", maxUploadBytes);
    json.put("expiresAt", presigned.expiration().toString());
    ctx.status(201).json(json);
  }

  private void complete(Context ctx) {
    var scope = authentication.scope(ctx);
    var file = file(ctx, scope.org().id());
    long size;
    try {
      size = objects.client().headObject(b -> b.bucket(objects.bucket()).key(file.objectKey())).contentLength();
    } catch (NoSuchKeyException e) {
      throw ApiException.conflict("nothing was uploaded for file " + file.id() + " yet; PUT the bytes to the upload URL first");
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw ApiException.conflict("nothing was uploaded for file " + file.id() + " yet; PUT the bytes to the upload URL first");
      }
      throw e;
    }
    if (size > maxUploadBytes) {
      // A presigned PUT cannot bound the size itself; what is over the limit is not kept.
      deleteObject(file.objectKey());
      files.delete(scope.org().id(), file.id());
      throw ApiException.tooLarge(maxUploadBytes);
    }
    var ready = files.ready(scope.org().id(), file.id(), size).orElseThrow(() -> ApiException.notFound("file", file.id().toString()));
    ctx.json(json(ready, true));
  }

  private void list(Context ctx) {
    var scope = authentication.scope(ctx);
    ctx.json(Map.of("files", files.list(scope.org().id(), MAX_LIST).stream().map(f -> json(f, false)).toList()));
  }

  private void get(Context ctx) {
    var scope = authentication.scope(ctx);
    ctx.json(json(file(ctx, scope.org().id()), true));
  }

  private void delete(Context ctx) {
    var scope = authentication.scope(ctx);
    var file = file(ctx, scope.org().id());
    files.delete(scope.org().id(), file.id());
    deleteObject(file.objectKey());
    ctx.status(204);
  }

  private StoredFile file(Context ctx, UUID org) {
    String raw = ctx.pathParam("file");
    return files.get(org, Ids.parse("file", raw)).orElseThrow(() -> ApiException.notFound("file", raw));
  }

  private Map<String, Object> json(StoredFile file, boolean withUrl) {
    var json = new LinkedHashMap<String, Object>();
    json.put("id", file.id().toString());
    json.put("name", file.name());
    json.put("contentType", file.contentType());
    json.put("size", file.size());
    json.put("state", file.state().name());
    json.put("createdAt", file.createdAt().toString());
    if (withUrl && file.state() == StoredFile.State.ready) {
      var presigned = objects.presigner().presignGetObject(p -> p.signatureDuration(urlTtl)
          .getObjectRequest(r -> r.bucket(objects.bucket()).key(file.objectKey())));
      json.put("url", presigned.url().toString());
      json.put("urlExpiresAt", presigned.expiration().toString());
    }
    return json;
  }

  private void deleteObject(String key) {
    objects.client().deleteObject(b -> b.bucket(objects.bucket()).key(key));
  }

  private static String key(UUID org, UUID id) {
    return "files/" + org + "/" + id;
  }

  private static String name(String name) {
    FileNames.nameProblem(name).ifPresent(problem -> {
      throw ApiException.badRequest("name", problem);
    });
    return name;
  }

  private static String contentType(String contentType) {
    FileNames.contentTypeProblem(contentType).ifPresent(problem -> {
      throw ApiException.badRequest("contentType", problem);
    });
    return contentType == null ? "application/octet-stream" : contentType;
  }

  private long copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      total += n;
      if (total > maxUploadBytes) {
        throw ApiException.tooLarge(maxUploadBytes);
      }
      out.write(buffer, 0, n);
    }
    return total;
  }
}
