package dev.studio.daemon.preview;

import dev.studio.daemon.ActivityClock;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The preview port: no authentication (the unguessable host name is the secret), plain Jetty with no servlet
 * layer, since every request is proxied.
 */
public final class PreviewServer implements AutoCloseable {
  /** Proxied responses may be long polls or event streams; a connection quiet for this long is closed. */
  private static final long IDLE_TIMEOUT_MS = 600_000;

  private final Server server;
  private final ServerConnector connector;

  public PreviewServer(String bindAddress, int port, UpstreamPort upstream, ActivityClock activity) {
    QueuedThreadPool threads = new QueuedThreadPool(200, 4);
    threads.setName("preview");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, new InlineConnectionExecutor(threads, server), null, null, 1, 1,
        new HttpConnectionFactory(http));
    connector.setHost(bindAddress);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    server.addConnector(connector);
    server.setHandler(new PreviewHandler(upstream, activity, new DevServerProxy(upstream, BootstrapScript.TAG)));
    // A dynamic Server counts as blocking whatever its handlers say, and then every request is handed from the
    // selector to a pool thread. The handlers never change after start and none of them blocks.
    server.setDynamic(false);
  }

  public void start() throws Exception {
    server.start();
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
