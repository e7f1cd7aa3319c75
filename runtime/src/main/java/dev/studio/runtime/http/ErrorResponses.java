package dev.studio.runtime.http;

import com.fasterxml.jackson.core.JacksonException;
import dev.studio.runtime.Redact;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the JSON error shape: our own {@link ApiException}s, malformed JSON,
 * Javalin's own errors (404, 405, 413), and anything unexpected (500 with an id to find the log
 * line by, never a stack trace or an internal message).
 */
public final class ErrorResponses implements RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  @Override
  public void register(RoutesConfig routes) {
    routes.exception(ApiException.class, (e, ctx) -> write(ctx, e));
    routes.exception(JacksonException.class, (e, ctx) -> write(ctx, ApiException.malformedJson("the body is not valid JSON: " + e.getOriginalMessage())));
    routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(e.getStatus(), e.getMessage())));
    // A datastore that does not answer: the request may succeed in a moment.
    routes.exception(io.lettuce.core.RedisException.class, (e, ctx) -> unavailable(ctx, "Redis", e));
    routes.exception(org.jdbi.v3.core.ConnectionException.class, (e, ctx) -> unavailable(ctx, "PostgreSQL", e));
    routes.exception(Exception.class, (e, ctx) -> {
      if (isConnectionFailure(e)) {
        unavailable(ctx, "PostgreSQL", e);
        return;
      }
      String id = UUID.randomUUID().toString();
      log.error("unexpected error {} on {} {}: {}", id, ctx.method(), ctx.path(), Redact.urls(String.valueOf(e.getMessage())), e);
      write(ctx, new ApiException(500, "internal", "something went wrong on our side; error id " + id, Map.of("errorId", id), null));
    });
    routes.error(HttpStatus.NOT_FOUND.getCode(), ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        write(ctx, new ApiException(404, "not_found", "no route for " + ctx.method() + " " + ctx.path(), Map.of(), null));
      }
    });
    routes.error(HttpStatus.METHOD_NOT_ALLOWED.getCode(), ctx -> write(ctx, fromJavalin(405, "method not allowed")));
  }

  private static void unavailable(io.javalin.http.Context ctx, String store, Exception e) {
    log.warn("{} {}: {} is unavailable: {}", ctx.method(), ctx.path(), store, Redact.urls(String.valueOf(e.getMessage())));
    write(ctx, ApiException.unavailable(store + " is not answering; try again shortly", java.time.Duration.ofSeconds(5)));
  }

  /** A JDBC failure to get or keep a connection (SQL state class 08), however deep it is wrapped. */
  private static boolean isConnectionFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.sql.SQLTransientConnectionException) {
        return true;
      }
      if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  private static ApiException fromJavalin(int status, String message) {
    return switch (status) {
      case 413 -> new ApiException(413, "payload_too_large", "the request body is too large", Map.of(), null);
      case 404 -> new ApiException(404, "not_found", message, Map.of(), null);
      case 405 -> new ApiException(405, "method_not_allowed", message, Map.of(), null);
      default -> new ApiException(status, "http_" + status, message, Map.of(), null);
    };
  }

  public static void write(Context ctx, ApiException e) {
    var error = new LinkedHashMap<String, Object>();
    error.put("code", e.code());
    error.put("message", e.getMessage());
    error.put("details", e.details());
    if (e.retryAfter() != null) {
      ctx.header("Retry-After", Long.toString(ApiException.seconds(e.retryAfter())));
    }
    ctx.status(e.status()).json(Map.of("error", error));
  }
}
