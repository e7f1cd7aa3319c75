package dev.studio.runtime.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP SDK client per connection, kept while the connection is unchanged: a new version of the
 * connection (an update in any process bumps it) closes the old client and builds another. The
 * connection's tool list is kept with its client and replaced when the downstream says
 * {@code notifications/tools/list_changed}.
 *
 * <p>Every call is bounded: the connect timeout for an unreachable host, the request timeout for a
 * downstream that accepts and never answers. A failed client is dropped, so the next call tries
 * afresh rather than reusing a broken session.
 */
public final class DownstreamClients implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DownstreamClients.class);

  /** How long opening a TCP connection to a downstream may take; a request's bound is the connection's own. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final ConnectionStore store;
  private final OAuthRefresh oauth;
  private final JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
  private final ConcurrentHashMap<UUID, Downstream> clients = new ConcurrentHashMap<>();

  DownstreamClients(ConnectionStore store, OAuthRefresh oauth) {
    this.store = store;
    this.oauth = oauth;
  }

  /** The connection's tools, from the cache when its client has listed them already. */
  List<McpSchema.Tool> tools(Connection connection) {
    var downstream = downstream(connection);
    var tools = downstream.tools.get();
    if (tools != null) {
      return tools;
    }
    var listed = call(connection, downstream, () -> downstream.client.listTools().tools());
    downstream.tools.compareAndSet(null, listed);
    return listed;
  }

  McpSchema.CallToolResult call(Connection connection, String tool, Map<String, Object> arguments) {
    var downstream = downstream(connection);
    return call(connection, downstream, () -> downstream.client.callTool(new McpSchema.CallToolRequest(tool, arguments)));
  }

  boolean holds(UUID connection) {
    return clients.containsKey(connection);
  }

  /** Closes the connection's client (it was changed or deleted). */
  void forget(UUID connection) {
    var old = clients.remove(connection);
    if (old != null) {
      old.close();
    }
  }

  @Override
  public void close() {
    clients.keySet().forEach(this::forget);
  }

  private Downstream downstream(Connection connection) {
    var current = clients.get(connection.id());
    // A caller may hold an older copy of the connection than the client was built from (a refresh bumps the version).
    if (current != null && current.version >= connection.version() && !oauth.due(current.expiresAt)) {
      return current;
    }
    // Built outside the map's lock: opening the credentials reads the database, and may refresh a token.
    var opened = store.open(connection.id(), oauth).orElseThrow(() -> new DownstreamException(DownstreamException.UNAVAILABLE,
        "connection " + connection.name() + " no longer exists"));
    var latest = opened.connection();
    var credentials = opened.credentials();
    var built = new Downstream(latest.version(), build(latest, credentials),
        credentials.type() == Credentials.Type.oauth ? credentials.expiresAt() : null, new AtomicReference<>());
    var kept = clients.compute(connection.id(), (id, existing) -> {
      if (existing != null && existing.version >= built.version && !oauth.due(existing.expiresAt)) {
        return existing;
      }
      if (existing != null) {
        existing.close();
      }
      return built;
    });
    if (kept != built) {
      built.close();
    }
    return kept;
  }

  private McpSyncClient build(Connection connection, Credentials credentials) {
    URI url = URI.create(connection.url());
    String origin = url.getScheme() + "://" + url.getRawAuthority();
    String endpoint = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    var headers = credentials.headers();
    var transport = HttpClientStreamableHttpTransport.builder(origin).endpoint(endpoint).jsonMapper(json)
        .connectTimeout(CONNECT_TIMEOUT).customizeRequest(request -> headers.forEach(request::header)).build();
    return McpClient.sync(transport).requestTimeout(connection.timeout()).initializationTimeout(connection.timeout())
        .clientInfo(new McpSchema.Implementation("studio", "1"))
        .toolsChangeConsumer(changed -> {
          var downstream = clients.get(connection.id());
          if (downstream != null && downstream.version == connection.version()) {
            downstream.tools.set(List.copyOf(changed));
            log.info("connection {} ({}): tool list changed, {} tools", connection.name(), connection.id(), changed.size());
          }
        })
        .build();
  }

  private <T> T call(Connection connection, Downstream downstream, java.util.function.Supplier<T> request) {
    try {
      downstream.initialize();
      return request.get();
    } catch (McpError e) {
      // The downstream answered, with a JSON-RPC error: the session is fine.
      var error = e.getJsonRpcError();
      throw new DownstreamException(error == null ? DownstreamException.UNAVAILABLE : error.code(),
          "downstream " + connection.name() + " answered with an error: " + (error == null ? e.getMessage() : error.message()));
    } catch (RuntimeException e) {
      clients.remove(connection.id(), downstream);
      downstream.close();
      throw failure(connection, e);
    }
  }

  private DownstreamException failure(Connection connection, Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof TimeoutException) {
        return new DownstreamException(DownstreamException.TIMEOUT,
            "downstream " + connection.name() + " did not answer within " + connection.timeout().toMillis() + " ms");
      }
      if (cause instanceof HttpConnectTimeoutException) {
        return new DownstreamException(DownstreamException.TIMEOUT,
            "downstream " + connection.name() + " did not accept a connection within " + CONNECT_TIMEOUT.toMillis() + " ms");
      }
      if (cause instanceof ConnectException) {
        return new DownstreamException(DownstreamException.UNAVAILABLE,
            "downstream " + connection.name() + " is unreachable (connection refused)");
      }
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new DownstreamException(DownstreamException.UNAVAILABLE, "downstream " + connection.name() + " failed: " + message);
  }

  /**
   * A client, the version of the connection it was built for, when its OAuth access token expires
   * (null: it does not), and the tools it listed.
   */
  private record Downstream(long version, McpSyncClient client, Instant expiresAt, AtomicReference<List<McpSchema.Tool>> tools) {
    void initialize() {
      if (!client.isInitialized()) {
        synchronized (this) {
          if (!client.isInitialized()) {
            client.initialize();
          }
        }
      }
    }

    void close() {
      // Closing says goodbye to the downstream (DELETE of the session): not on the caller's time.
      Thread.ofVirtual().name("mcp-client-close").start(() -> {
        try {
          client.close();
        } catch (RuntimeException e) {
          log.debug("closing an MCP client: {}", e.toString());
        }
      });
    }
  }
}
