package dev.studio.runtime.link;

import dev.studio.runtime.http.ApiException;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The link protocol's version handshake. Every link request carries {@code Studio-Link-Protocol};
 * a request without it (an old link, or something that is not a link) is answered {@code 426
 * Upgrade Required}, so a protocol change is a clear error rather than a confused run.
 */
public final class LinkProtocol {
  public static final String HEADER = "Studio-Link-Protocol";
  public static final String VERSION = "1";
  /** Which link process of the user is calling (its id, chosen at start). */
  public static final String LINK_ID = "Studio-Link-Id";

  private LinkProtocol() {}

  /** Refuses a request that does not speak this protocol version; returns the link's id. */
  static String require(Context ctx) {
    if (!VERSION.equals(ctx.header(HEADER))) {
      ctx.header("Upgrade", "studio-link/" + VERSION);
      throw new ApiException(426, "upgrade_required",
          "this endpoint speaks the desktop link protocol: send " + HEADER + ": " + VERSION + " (update the link program)",
          Map.of("protocol", VERSION), null);
    }
    String id = ctx.header(LINK_ID);
    if (id == null || !id.matches("[A-Za-z0-9_-]{1,64}")) {
      throw ApiException.badRequest(LINK_ID, "send " + LINK_ID + ": the link process's id (letters, digits, '_' or '-')");
    }
    return id;
  }
}
