package dev.studio.daemon.preview;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The WebSocket half of the preview. The handshake is relayed to the dev server over a plain socket; if it answers
 * 101, the browser gets the same 101 (accept key, protocol, extensions) and the connection turns into a
 * {@link TunnelConnection}. Any other answer (a 404, say) is relayed as an ordinary response.
 */
final class WebSocketTunnel {
  private static final int CONNECT_TIMEOUT_MS = 2_000;
  private static final int HANDSHAKE_TIMEOUT_MS = 30_000;
  private static final int MAX_REFUSAL_BODY = 64 * 1024;
  /** Hop-by-hop request headers, and the ones this class writes itself. */
  private static final Set<String> NOT_RELAYED = Set.of("host", "connection", "upgrade", "keep-alive", "te", "trailer",
      "transfer-encoding", "proxy-connection", "proxy-authorization", "x-forwarded-for", "x-forwarded-proto",
      "x-forwarded-host", "content-length");
  private static final Set<String> NOT_RETURNED = Set.of("connection", "upgrade", "keep-alive", "transfer-encoding",
      "content-length", "trailer");

  static boolean isUpgrade(Request request) {
    return HttpMethod.GET.is(request.getMethod())
        && request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1
        && "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE));
  }

  /** Relays the handshake on a virtual thread (it blocks on the dev server); Jetty's thread returns at once. */
  void handle(Request request, Response response, Callback callback, int port) {
    Thread.ofVirtual().name("ws-handshake").start(() -> handshake(request, response, callback, port));
  }

  private void handshake(Request request, Response response, Callback callback, int port) {
    Socket upstream = new Socket();
    try {
      upstream.setTcpNoDelay(true);
      upstream.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
    } catch (IOException notListening) {
      closeQuietly(upstream);
      ErrorPages.devServerNotRunning(response, callback);
      return;
    }
    try {
      upstream.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
      upstream.getOutputStream().write(requestHead(request, port));
      upstream.getOutputStream().flush();
      UpstreamHead head = UpstreamHead.read(upstream.getInputStream());
      upstream.setSoTimeout(0);
      if (head.status() != 101) {
        relayRefusal(head, upstream.getInputStream(), response, callback);
        closeQuietly(upstream);
        return;
      }
      response.setStatus(101);
      HttpFields.Mutable headers = response.getHeaders();
      headers.put(HttpHeader.UPGRADE, "websocket");
      headers.put(HttpHeader.CONNECTION, "Upgrade");
      for (String[] header : head.headers()) {
        if (!NOT_RETURNED.contains(header[0].toLowerCase(Locale.ROOT))) {
          headers.add(header[0], header[1]);
        }
      }
      ConnectionMetaData connection = request.getConnectionMetaData();
      EndPoint endPoint = connection.getConnection().getEndPoint();
      TunnelConnection tunnel = new TunnelConnection(endPoint, connection.getConnector().getExecutor(), upstream, head.leftover());
      request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, tunnel);
      response.write(true, null, callback);
    } catch (IOException | RuntimeException e) {
      closeQuietly(upstream);
      if (response.isCommitted()) {
        callback.failed(e);
      } else {
        ErrorPages.devServerNotRunning(response, callback);
      }
    }
  }

  private static byte[] requestHead(Request request, int port) {
    StringBuilder head = new StringBuilder(512);
    String target = request.getHttpURI().getPathQuery();
    head.append("GET ").append(target == null || target.isEmpty() ? "/" : target).append(" HTTP/1.1\r\n");
    head.append("Host: localhost:").append(port).append("\r\n");
    head.append("Connection: Upgrade\r\nUpgrade: websocket\r\n");
    HttpFields in = request.getHeaders();
    for (HttpField field : in) {
      if (!NOT_RELAYED.contains(field.getLowerCaseName())) {
        head.append(field.getName()).append(": ").append(field.getValue()).append("\r\n");
      }
    }
    String forwardedFor = in.get("X-Forwarded-For");
    String remote = Request.getRemoteAddr(request);
    head.append("X-Forwarded-For: ").append(forwardedFor == null ? remote : forwardedFor + ", " + remote).append("\r\n");
    String proto = in.get("X-Forwarded-Proto");
    head.append("X-Forwarded-Proto: ").append(proto != null ? proto : request.isSecure() ? "https" : "http").append("\r\n");
    String host = in.get("X-Forwarded-Host") != null ? in.get("X-Forwarded-Host") : in.get(HttpHeader.HOST);
    if (host != null) {
      head.append("X-Forwarded-Host: ").append(host).append("\r\n");
    }
    head.append("\r\n");
    return head.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The dev server refused the upgrade: pass its status, headers and (small) body on. */
  private static void relayRefusal(UpstreamHead head, InputStream rest, Response response, Callback callback) throws IOException {
    response.setStatus(head.status());
    for (String[] header : head.headers()) {
      if (!NOT_RETURNED.contains(header[0].toLowerCase(Locale.ROOT))) {
        response.getHeaders().add(header[0], header[1]);
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(head.leftover());
    String length = head.header("Content-Length");
    if (length != null) {
      long expected = Math.min(Long.parseLong(length.trim()), MAX_REFUSAL_BODY);
      byte[] buffer = new byte[4096];
      int n;
      while (body.size() < expected && (n = rest.read(buffer, 0, (int) Math.min(buffer.length, expected - body.size()))) > 0) {
        body.write(buffer, 0, n);
      }
    }
    byte[] bytes = body.toByteArray();
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing left to release.
    }
  }
}
