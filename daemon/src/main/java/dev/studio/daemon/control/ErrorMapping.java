package dev.studio.daemon.control;

import dev.studio.daemon.DaemonException;
import dev.studio.daemon.events.TooManySubscribersException;
import dev.studio.daemon.workspace.PathRefusedException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into the JSON error shape with the right status; nothing internal reaches the client. */
final class ErrorMapping {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {
  }

  static void install(JavalinDefaultRoutingApi routes) {
    routes.exception(UnauthorizedException.class, (e, ctx) -> {
      ctx.header("WWW-Authenticate", "Bearer");
      answer(ctx, 401, "unauthorized", e.getMessage(), Map.of());
    });
    routes.exception(DaemonException.class, (e, ctx) -> answer(ctx, status(e.kind()), e.code(), e.getMessage(), e.details()));
    routes.exception(PathRefusedException.class, (e, ctx) -> answer(ctx, 400, "invalid_path", e.getMessage(),
        Map.of("field", e.field(), "reason", e.reason().name().toLowerCase(Locale.ROOT))));
    routes.exception(TooManySubscribersException.class, (e, ctx) -> {
      ctx.header("Retry-After", "5");
      answer(ctx, 503, "too_many_clients", e.getMessage(), Map.of());
    });
    routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(), codeFor(e.getStatus()),
        e.getMessage() == null || e.getMessage().isEmpty() ? codeFor(e.getStatus()).replace('_', ' ') : e.getMessage(), Map.of()));
    routes.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      answer(ctx, 500, "internal", "internal error", Map.of());
    });
  }

  static void answer(Context ctx, int status, String code, String message, Map<String, Object> details) {
    ctx.status(status).json(ApiError.of(code, message, details));
  }

  private static int status(DaemonException.Kind kind) {
    return switch (kind) {
      case BAD_REQUEST -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case UNAVAILABLE -> 503;
    };
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      default -> status >= 500 ? "internal" : "http_" + status;
    };
  }
}
