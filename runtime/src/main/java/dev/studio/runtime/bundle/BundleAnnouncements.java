package dev.studio.runtime.bundle;

import dev.studio.runtime.datastore.Nats;
import io.nats.client.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every process of a platform that a bundle changed, on NATS subject {@code
 * studio.bundles.<instance>}: the message is only the bundle's name; each process reads the rest
 * from PostgreSQL. After a reconnect a process reads all bundles again, since it may have missed
 * messages meanwhile.
 */
public final class BundleAnnouncements implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BundleAnnouncements.class);

  private final Nats nats;
  private final String subject;
  private final BundleRegistry registry;
  // Loads happen off the NATS thread, one at a time, in the order announced.
  private final ExecutorService loads = Executors.newSingleThreadExecutor(r -> {
    var thread = new Thread(r, "bundle-loads");
    thread.setDaemon(true);
    return thread;
  });
  private Dispatcher dispatcher;

  public BundleAnnouncements(Nats nats, String instance, BundleRegistry registry) {
    this.nats = nats;
    this.subject = "studio.bundles." + instance;
    this.registry = registry;
  }

  /** Catches up (before returning), then follows announcements. */
  public void start() {
    dispatcher = nats.connection().createDispatcher(message -> {
      String name = new String(message.getData(), StandardCharsets.UTF_8);
      loads.execute(() -> guarded(() -> registry.refresh(name)));
    });
    dispatcher.subscribe(subject);
    nats.onReconnect(() -> loads.execute(() -> guarded(registry::catchUp)));
    registry.catchUp();
  }

  /** Announces a change of {@code name}, after it is committed. */
  public void changed(String name) {
    nats.connection().publish(subject, name.getBytes(StandardCharsets.UTF_8));
  }

  private static void guarded(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("bundles: {}", e.toString());
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (dispatcher != null) {
      nats.connection().closeDispatcher(dispatcher);
    }
    loads.shutdown();
    loads.awaitTermination(5, TimeUnit.SECONDS);
  }
}
