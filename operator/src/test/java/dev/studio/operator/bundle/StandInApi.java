package dev.studio.operator.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A platform api speaking the bundle contract of docs/bundles.md, as far as the operator uses it:
 * it records every request, checks the admin token, stores artifacts and settings, and can be told
 * to refuse uploads with 422, as the real api does when a bundle does not load.
 */
final class StandInApi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ARTIFACT = Pattern.compile("^/api/internal/bundles/([^/]+)/artifacts/([^/]+)$");
  private static final Pattern IMPORT = Pattern.compile("^/api/internal/bundles/([^/]+)/imports$");
  private static final Pattern BUNDLE = Pattern.compile("^/api/internal/bundles/([^/]+)$");

  /** One request as it arrived. */
  record Request(String method, String path, String query, String authorization, byte[] body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final HttpServer server;
  private final Predicate<String> validToken;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
  /** bundle → the settings it was last given. */
  final Map<String, JsonNode> settings = new ConcurrentHashMap<>();
  /** When set, uploads are refused with 422 and this message. */
  final AtomicReference<String> refuseUploads = new AtomicReference<>();
  final AtomicInteger workers = new AtomicInteger(2);

  /** @param validToken whether a Bearer token is a platform's admin token */
  StandInApi(Predicate<String> validToken) throws IOException {
    this.validToken = validToken;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/internal/bundles", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Request> calls(String method, String pathPrefix) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
  }

  List<Request> uploads(String bundle) {
    return calls("PUT", "/api/internal/bundles/" + bundle + "/artifacts/");
  }

  List<Request> settingsPuts(String bundle) {
    return requests.stream().filter(r -> r.method().equals("PUT") && r.path().equals("/api/internal/bundles/" + bundle)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    byte[] body = exchange.getRequestBody().readAllBytes();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    requests.add(new Request(method, path, exchange.getRequestURI().getQuery(), authorization, body));
    if (authorization == null || !authorization.startsWith("Bearer ") || !validToken.test(authorization.substring(7))) {
      send(exchange, 401, "{\"error\": {\"code\": \"unauthorized\", \"message\": \"bad token\"}}");
      return;
    }
    var artifact = ARTIFACT.matcher(path);
    var imports = IMPORT.matcher(path);
    var bundle = BUNDLE.matcher(path);
    if (method.equals("PUT") && artifact.matches()) {
      String refusal = refuseUploads.get();
      if (refusal != null) {
        send(exchange, 422, JSON.createObjectNode().set("error",
            JSON.createObjectNode().put("code", "invalid_bundle").put("message", refusal)).toString());
        return;
      }
      boolean had = artifacts.put(artifact.group(2), body) != null;
      send(exchange, had ? 200 : 201, JSON.createObjectNode().put("artifact", artifact.group(2))
          .put("revision", Packager.sha256(body)).toString());
    } else if (method.equals("POST") && imports.matches()) {
      String uri = JSON.readTree(body).path("uri").asText();
      String revision = Packager.sha256(uri.getBytes(StandardCharsets.UTF_8));
      String name = ArtifactName.of(imports.group(1), ArtifactName.URI_REF, revision);
      artifacts.put(name, uri.getBytes(StandardCharsets.UTF_8));
      send(exchange, 201, JSON.createObjectNode().put("artifact", name).put("revision", revision).toString());
    } else if (method.equals("PUT") && bundle.matches()) {
      JsonNode given = JSON.readTree(body);
      if (!artifacts.containsKey(given.path("artifact").asText())) {
        send(exchange, 404, "{\"error\": {\"code\": \"not_found\", \"message\": \"no such artifact\"}}");
        return;
      }
      settings.put(bundle.group(1), given);
      send(exchange, 200, "{}");
    } else if (method.equals("DELETE") && bundle.matches()) {
      settings.remove(bundle.group(1));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    } else if (method.equals("GET") && path.equals("/api/internal/bundles")) {
      var answer = JSON.createObjectNode();
      var list = answer.putArray("bundles");
      settings.forEach((name, s) -> list.addObject().put("name", name).put("revision", s.path("revision").asText())
          .put("artifact", s.path("artifact").asText()).put("loadedBy", workers.get()));
      answer.put("workers", workers.get());
      send(exchange, 200, answer.toString());
    } else {
      send(exchange, 404, "{}");
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
