package dev.studio.daemon.preview;

import dev.studio.daemon.ActivityClock;
import java.nio.ByteBuffer;
import java.util.OptionalInt;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes preview requests: the control API's paths do not exist here, the bootstrap script is served from memory,
 * WebSocket handshakes go to the tunnel and everything else to the dev-server proxy.
 */
final class PreviewHandler extends Handler.Wrapper {
  private final UpstreamPort port;
  private final ActivityClock activity;
  private final WebSocketTunnel webSockets = new WebSocketTunnel();
  private final byte[] script = BootstrapScript.load();

  PreviewHandler(UpstreamPort port, ActivityClock activity, DevServerProxy proxy) {
    // Not dynamic, and nothing here blocks: Jetty may then run requests on the selector thread, sparing a
    // thread hand-off per request (the WebSocket handshake, which does block, moves to a virtual thread).
    super(false, proxy);
    this.port = port;
    this.activity = activity;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    activity.touch();
    String path = request.getHttpURI().getPath();
    if (path != null && (path.equals("/_sandbox") || path.startsWith("/_sandbox/"))) {
      ErrorPages.notFound(response, callback);
      return true;
    }
    if (BootstrapScript.PATH.equals(path)) {
      serveScript(response, callback);
      return true;
    }
    OptionalInt upstream = port.current();
    if (upstream.isEmpty()) {
      ErrorPages.devServerNotRunning(response, callback);
      return true;
    }
    if (WebSocketTunnel.isUpgrade(request)) {
      webSockets.handle(request, response, callback, upstream.getAsInt());
      return true;
    }
    return super.handle(request, response, callback);
  }

  private void serveScript(Response response, Callback callback) {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/javascript; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, script.length);
    response.write(true, ByteBuffer.wrap(script), callback);
  }
}
