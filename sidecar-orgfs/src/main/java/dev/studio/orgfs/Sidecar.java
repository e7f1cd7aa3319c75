package dev.studio.orgfs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar: waits for its config file (a warm pod is started before any claim binds it, so the
 * config arrives later), then keeps every configured volume in step, and keeps the status file
 * current for the daemon and the operator to read.
 */
public final class Sidecar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sidecar.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path configFile;
  private final Path statusFile;
  private final Clock clock;
  // Read by the status writer, which any volume's thread may call: never under the sidecar's lock.
  private final List<VolumeSync> volumes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Object statusLock = new Object();
  private final Thread starter;
  private volatile boolean closed;
  private volatile String state = "waiting-for-config";
  private volatile String error;

  public Sidecar(Path configFile, Path statusFile, Clock clock) {
    this.configFile = configFile;
    this.statusFile = statusFile;
    this.clock = clock;
    this.starter = Thread.ofPlatform().daemon().name("orgfs-config").unstarted(this::awaitConfig);
  }

  public Sidecar start() {
    writeStatus();
    starter.start();
    return this;
  }

  private void awaitConfig() {
    long lastTried = -1;
    while (!closed) {
      try {
        if (Files.exists(configFile)) {
          long modified = Files.getLastModifiedTime(configFile).toMillis();
          if (modified != lastTried) {
            lastTried = modified;
            try {
              var config = SidecarConfig.read(configFile);
              begin(config);
              return;
            } catch (IOException | IllegalArgumentException e) {
              // A config being written or a bad one: say so, and try again when the file changes.
              state = "config-error";
              error = e instanceof IllegalArgumentException ? e.getMessage() : "cannot read the config file";
              writeStatus();
            }
          }
        }
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        error = "cannot read the config file";
      }
    }
  }

  private synchronized void begin(SidecarConfig config) throws IOException {
    if (closed) {
      return;
    }
    Path root = Path.of(config.root());
    for (var volume : config.volumes()) {
      var client = new OrgFsClient(config.api(), config.token(), config.org(), volume.volume());
      var sync = new VolumeSync(volume, root.resolve(volume.localName()), client, clock, this::writeStatus);
      volumes.add(sync);
      sync.start();
    }
    state = "running";
    error = null;
    log.info("org-fs sync of {} volume(s) of org {} into {}", config.volumes().size(), config.org(), root);
    writeStatus();
  }

  /** Holds every volume's sync, or lets it go on. */
  public void pause(boolean pause) {
    volumes.forEach(v -> v.pause(pause));
  }

  /** Written to a temporary file and moved, so a reader never sees half of it. */
  void writeStatus() {
    synchronized (statusLock) {
      writeStatusLocked();
    }
  }

  private void writeStatusLocked() {
    var status = new LinkedHashMap<String, Object>();
    status.put("state", state);
    status.put("error", error);
    status.put("updatedAt", clock.instant().toString());
    var list = new ArrayList<Map<String, Object>>();
    for (var v : volumes) {
      var s = v.status();
      var json = new LinkedHashMap<String, Object>();
      json.put("volume", s.volume());
      json.put("state", s.state());
      json.put("readOnly", s.readOnly());
      json.put("cursor", s.cursor());
      json.put("files", s.files());
      json.put("conflicts", s.conflicts());
      json.put("refusedLocalWrites", s.refusedLocalWrites());
      json.put("lastSyncAt", s.lastSyncAt());
      json.put("lastError", s.lastError());
      list.add(json);
    }
    status.put("volumes", list);
    try {
      Files.createDirectories(statusFile.toAbsolutePath().getParent());
      Path temp = statusFile.resolveSibling(statusFile.getFileName() + ".tmp");
      Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(status));
      Files.move(temp, statusFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot write the status file: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    starter.interrupt();
    synchronized (this) {
      // begin() checks closed under this lock: no volume starts after this point.
    }
    volumes.forEach(VolumeSync::close);
    try {
      starter.join(Duration.ofSeconds(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
