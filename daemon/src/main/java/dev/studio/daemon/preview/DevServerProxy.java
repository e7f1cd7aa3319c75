package dev.studio.daemon.preview;

import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
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
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";
    private static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    private static final String X_FORWARDED_HOST = "X-Forwarded-Host";

    private final byte[] scriptTag;

    DevServerProxy(UpstreamPort port, byte[] scriptTag) {
        super(request -> upstreamUri(request, port));
        this.scriptTag = scriptTag.clone();
        setUseServerThreadPool(true);
    }

    private static HttpURI upstreamUri(Request request, UpstreamPort port) {
        return HttpURI.build(request.getHttpURI()).scheme("http").host("127.0.0.1").port(port.current().orElseThrow());
    }

    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        return new HttpClient(new HttpClientTransportOverHTTP(connector));
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

    @Override
    protected void addProxyHeaders(Request clientRequest, org.eclipse.jetty.client.Request upstreamRequest) {
        HttpFields in = clientRequest.getHeaders();
        String host = in.get(HttpHeader.HOST);
        String remote = Request.getRemoteAddr(clientRequest);
        String forwardedFor = in.get(X_FORWARDED_FOR);
        String acceptEncoding = AcceptEncoding.forUpstream(in.get(HttpHeader.ACCEPT_ENCODING));
        int port = upstreamRequest.getPort();
        upstreamRequest.headers(headers -> {
            headers.put(HttpHeader.HOST, "localhost:" + port);
            headers.put(X_FORWARDED_FOR, forwardedFor == null ? remote : forwardedFor + ", " + remote);
            if (in.get(X_FORWARDED_PROTO) == null) {
                headers.put(X_FORWARDED_PROTO, clientRequest.isSecure() ? "https" : "http");
            }
            if (in.get(X_FORWARDED_HOST) == null && host != null) {
                headers.put(X_FORWARDED_HOST, host);
            }
            if (acceptEncoding == null) {
                headers.remove(HttpHeader.ACCEPT_ENCODING);
            } else {
                headers.put(HttpHeader.ACCEPT_ENCODING, acceptEncoding);
            }
        });
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
                }
            });
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response upstreamResponse, Content.Chunk chunk, Runnable demand) {
            if (rewrite == null) {
                super.onContent(upstreamResponse, chunk, demand);
                return;
            }
            ByteBuffer out;
            try {
                out = rewrite.push(chunk.getByteBuffer());
            } catch (RuntimeException corrupt) {
                upstreamResponse.abort(corrupt);
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
                rest = rewrite.finish();
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
