package dev.studio.e2e.process;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The cluster's Gateway in process mode: a request is routed by its Host header along the
 * HTTPRoutes the operator wrote (hostname → backend Service and port), to the address the
 * Service's name points at. A preview URL works here exactly when the operator's route would
 * make it work in a cluster.
 */
public final class PreviewGateway implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final ClusterNetwork network;
  private final HttpServer server;
  private final HttpForwarder forwarder = new HttpForwarder();

  PreviewGateway(KubernetesClient client, String namespace, ClusterNetwork network) throws IOException {
    this.client = client;
    this.namespace = namespace;
    this.network = network;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).orElse("").replaceFirst(":\\d+$", "");
      var backend = backend(host);
      if (backend.isEmpty()) {
        HttpForwarder.respond(exchange, 404, ("no route for host " + host + "\n").getBytes());
        return;
      }
      forwarder.forward(exchange, URI.create("http://" + backend.get() + exchange.getRequestURI()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** address:port of the backend of the route whose hostnames include {@code host}. */
  private Optional<String> backend(String host) {
    for (HTTPRoute route : client.resources(HTTPRoute.class).inNamespace(namespace).list().getItems()) {
      if (route.getSpec().getHostnames() == null || !route.getSpec().getHostnames().contains(host)) {
        continue;
      }
      for (var rule : route.getSpec().getRules()) {
        for (var ref : rule.getBackendRefs()) {
          var address = network.address(ref.getName() + "." + namespace + ".svc");
          if (address.isPresent()) {
            return Optional.of(address.get() + ":" + ref.getPort());
          }
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
