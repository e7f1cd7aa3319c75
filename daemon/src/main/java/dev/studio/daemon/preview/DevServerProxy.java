package dev.studio.daemon.preview;

import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP half of the preview: Jetty's streaming reverse proxy to the dev server on loopback, with the bootstrap
 * script injected into HTML responses on the way back.
 *
 * <p>Upstream sees {@code Host: localhost:<port>} (dev servers such as Vite refuse unknown host names) and the
 * browser's host in {@code X-Forwarded-Host}, with {@code X-Forwarded-For} and {@code X-Forwarded-Proto}.
 */
final class DevServerProxy extends ProxyHandler.Reverse {
  /** Shorter than Node's default keep-alive (5 s), so the proxy never reuses a connection the dev server is closing. */
  private static final long POOLED_IDLE_MS = 4_000;
  /** An exchange may be quiet this long (a long poll, a slow build) before it is given up. */
  private static final long EXCHANGE_IDLE_SECONDS = 600;

  private final byte[] scriptTag;

  DevServerProxy(UpstreamPort port, byte[] scriptTag) {
    super(request -> upstreamUri(request, port));
    this.scriptTag = scriptTag.clone();
    setUseServerThreadPool(true);
  }

  /** The proxy never blocks a thread: requests and responses flow through callbacks. */
  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  private static HttpURI upstreamUri(Request request, UpstreamPort port) {
    return HttpURI.build(request.getHttpURI()).scheme("http").host("127.0.0.1").port(port.current().orElseThrow());
  }

  @Override
  protected HttpClient newHttpClient() {
    ClientConnector connector = new ClientConnector();
    connector.setSelectors(1);
    HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
    // The response listeners never block (they hand bytes to the browser's connection through callbacks), so
    // the client's selector thread may run them itself instead of waking a pool thread for every response.
    transport.setInvocationType(InvocationType.NON_BLOCKING);
    return new HttpClient(transport);
  }

  @Override
  protected void configureHttpClient(HttpClient client) {
    client.setFollowRedirects(false);
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    client.setUserAgentField(null);
    client.setIdleTimeout(POOLED_IDLE_MS);
    client.setConnectTimeout(2_000);
    client.setMaxConnectionsPerDestination(256);
    client.setMaxRequestsQueuedPerDestination(4096);
  }

  @Override
  protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientRequest, HttpURI uri) {
    return super.newProxyToServerRequest(clientRequest, uri).idleTimeout(EXCHANGE_IDLE_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Builds the upstream request's headers in one pass (this runs for every request): the browser's headers
   * minus hop-by-hop ones and the ones set here, then Host, X-Forwarded-* and the filtered Accept-Encoding.
   */
  @Override
  protected void copyRequestHeaders(Request clientRequest, org.eclipse.jetty.client.Request upstreamRequest) {
    HttpFields in = clientRequest.getHeaders();
    java.util.Set<String> listedInConnection = connectionListed(in.get(HttpHeader.CONNECTION));
    String host = null;
    String forwardedFor = null;
    String forwardedProto = null;
    String forwardedHost = null;
    String acceptEncoding = null;
    HttpFields.Mutable out = HttpFields.build(in.size() + 4);
    for (HttpField field : in) {
      HttpHeader known = field.getHeader();
      if (known != null) {
        switch (known) {
          case HOST -> host = field.getValue();
          case ACCEPT_ENCODING -> acceptEncoding = field.getValue();
          case X_FORWARDED_FOR -> forwardedFor = field.getValue();
          case X_FORWARDED_PROTO -> forwardedProto = field.getValue();
          case X_FORWARDED_HOST -> forwardedHost = field.getValue();
          case CONNECTION, KEEP_ALIVE, PROXY_AUTHORIZATION, PROXY_AUTHENTICATE, PROXY_CONNECTION,
              TRANSFER_ENCODING, TE, TRAILER, UPGRADE -> { }
          default -> addUnlessListed(out, field, listedInConnection);
        }
      } else {
        addUnlessListed(out, field, listedInConnection);
      }
    }
    String remote = Request.getRemoteAddr(clientRequest);
    out.add(HttpHeader.HOST, "localhost:" + upstreamRequest.getPort());
    out.add(HttpHeader.X_FORWARDED_FOR, forwardedFor == null ? remote : forwardedFor + ", " + remote);
    out.add(HttpHeader.X_FORWARDED_PROTO, forwardedProto != null ? forwardedProto : clientRequest.isSecure() ? "https" : "http");
    if (forwardedHost != null || host != null) {
      out.add(HttpHeader.X_FORWARDED_HOST, forwardedHost != null ? forwardedHost : host);
    }
    String upstreamEncoding = AcceptEncoding.forUpstream(acceptEncoding);
    if (upstreamEncoding != null) {
      out.add(HttpHeader.ACCEPT_ENCODING, upstreamEncoding);
    }
    upstreamRequest.headers(headers -> headers.add(out));
  }

  /** Headers are already complete: no Via and no Forwarded (the dev server reads X-Forwarded-*). */
  @Override
  protected void addProxyHeaders(Request clientRequest, org.eclipse.jetty.client.Request upstreamRequest) {
  }

  private static void addUnlessListed(HttpFields.Mutable out, HttpField field, java.util.Set<String> listed) {
    if (listed == null || !listed.contains(field.getLowerCaseName())) {
      out.add(field);
    }
  }

  /** Headers a client names in {@code Connection} are hop-by-hop too (RFC 9110, 7.6.1). */
  private static java.util.Set<String> connectionListed(String connection) {
    if (connection == null) {
      return null;
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (String name : connection.split(",")) {
      names.add(name.trim().toLowerCase(java.util.Locale.ROOT));
    }
    return names;
  }

  @Override
  protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
      Request clientRequest, org.eclipse.jetty.client.Request upstreamRequest, Response clientResponse, Callback callback) {
    return new InjectingListener(clientRequest, upstreamRequest, clientResponse, callback);
  }

  @Override
  protected void onServerToProxyResponseFailure(Request clientRequest, org.eclipse.jetty.client.Request upstreamRequest,
      org.eclipse.jetty.client.Response upstreamResponse, Response clientResponse, Callback callback, Throwable failure) {
    if (!clientResponse.isCommitted() && isNotListening(failure)) {
      clientResponse.getHeaders().clear();
      ErrorPages.devServerNotRunning(clientResponse, callback);
      return;
    }
    super.onServerToProxyResponseFailure(clientRequest, upstreamRequest, upstreamResponse, clientResponse, callback, failure);
  }

  private static boolean isNotListening(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }

  /** Passes responses through, except HTML bodies, which go through an {@link HtmlRewrite}. */
  private final class InjectingListener extends ProxyResponseListener {
    private final Request clientRequest;
    private final Response clientResponse;
    private HtmlRewrite rewrite;
    /** Upstream body bytes still to come, when the dev server said how many (Content-Length); else -1. */
    private long upstreamBytesLeft = -1;
    /** The rewritten end of the body, once its last piece came: it goes out with the end of the response. */
    private ByteBuffer end;

    InjectingListener(Request clientRequest, org.eclipse.jetty.client.Request upstreamRequest, Response clientResponse, Callback callback) {
      super(clientRequest, upstreamRequest, clientResponse, callback);
      this.clientRequest = clientRequest;
      this.clientResponse = clientResponse;
    }

    @Override
    public void onHeaders(org.eclipse.jetty.client.Response upstreamResponse) {
      super.onHeaders(upstreamResponse);
      HttpFields headers = upstreamResponse.getHeaders();
      if (!isHtml(headers.get(HttpHeader.CONTENT_TYPE))) {
        return;
      }
      ContentCoding.of(headers.get(HttpHeader.CONTENT_ENCODING)).ifPresent(coding -> {
        // The body grows by the script: its length is no longer known up front, so it goes out chunked.
        clientResponse.getHeaders().remove(HttpHeader.CONTENT_LENGTH);
        // A dev server may compress even when not asked to: the browser then gets the page uncompressed.
        ContentCoding toBrowser = AcceptEncoding.accepts(clientRequest.getHeaders().get(HttpHeader.ACCEPT_ENCODING), coding)
            ? coding : ContentCoding.IDENTITY;
        if (toBrowser == ContentCoding.IDENTITY) {
          clientResponse.getHeaders().remove(HttpHeader.CONTENT_ENCODING);
        }
        if (hasBody(upstreamResponse.getStatus())) {
          rewrite = new HtmlRewrite(coding, toBrowser, scriptTag);
          upstreamBytesLeft = headers.getLongField(HttpHeader.CONTENT_LENGTH);
        }
      });
    }

    @Override
    public void onContent(org.eclipse.jetty.client.Response upstreamResponse, Content.Chunk chunk, Runnable demand) {
      if (rewrite == null) {
        super.onContent(upstreamResponse, chunk, demand);
        return;
      }
      ByteBuffer piece = chunk.getByteBuffer();
      boolean lastPiece = end == null && upstreamBytesLeft >= 0 && (upstreamBytesLeft -= piece.remaining()) <= 0;
      ByteBuffer out;
      try {
        out = lastPiece ? rewrite.finish(piece) : rewrite.push(piece);
      } catch (RuntimeException corrupt) {
        upstreamResponse.abort(corrupt);
        return;
      }
      if (lastPiece) {
        // Sent by onSuccess together with the end of the response: one write instead of two (most pages
        // come in one piece, so this is most often the whole body in one write).
        end = out;
        demand.run();
        return;
      }
      if (!out.hasRemaining()) {
        demand.run();
        return;
      }
      clientResponse.write(false, out, Callback.from(demand, upstreamResponse::abort));
    }

    @Override
    public void onSuccess(org.eclipse.jetty.client.Response upstreamResponse) {
      if (rewrite == null) {
        super.onSuccess(upstreamResponse);
        return;
      }
      ByteBuffer rest;
      try {
        rest = end != null ? end : rewrite.finish();
      } catch (RuntimeException corrupt) {
        failed(corrupt); // the browser sees a broken response, not a silently cut page
        return;
      }
      clientResponse.write(true, rest, this);
    }

    private boolean hasBody(int status) {
      return !HttpMethod.HEAD.is(clientRequest.getMethod()) && status >= 200 && status != 204 && status != 304;
    }
  }

  static boolean isHtml(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/html", 0, 9);
  }
}
