package dev.studio.orgfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one local directory and one org-fs volume in step, both ways. It remembers, per file, the
 * base both sides last agreed on (the remote ETag and the local content's hash). A side that
 * differs from the base has changed:
 * <ul>
 *   <li>local changed: uploaded with {@code If-Match: <base ETag>}; a 412 means the remote changed
 *       too, so the remote (committed first) wins and the local edit is kept beside it as a
 *       conflict copy, which then syncs up as a file of its own;</li>
 *   <li>remote changed (long poll of {@code changes?wait=1}): downloaded, unless the local file
 *       also changed, which gives the same conflict copy.</li>
 * </ul>
 * Local changes are found by a file watch, with a full scan as a backstop for events a watch
 * can drop. Read-only volumes are mirrored with read-only files; local edits there are never
 * uploaded and are put back. Both directions run under one lock, so they never interleave on a file.
 */
final class VolumeSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VolumeSync.class);
  static final String TEMP_PREFIX = ".orgfs-";
  private static final Duration SCAN_EVERY = Duration.ofMillis(500);

  private final SidecarConfig.Volume volume;
  private final Path dir;
  private final OrgFsClient client;
  private final boolean readOnly;
  private final Clock clock;
  private final Runnable statusChanged;
  private final Map<String, Base> base = new HashMap<>();
  private final Map<String, Stamp> hashes = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;
  private volatile boolean paused;
  private volatile long cursor;
  private volatile String state = "starting";
  private volatile String lastError;
  private volatile Instant lastSync;
  private volatile int conflicts;
  private volatile int refused;
  private volatile int fileCount;
  private WatchService watch;

  /** What both sides last agreed on for a path. */
  private record Base(String etag, String hash) {}

  /** A local file's hash, valid while its size and modification time stay the same. */
  private record Stamp(long size, long modified, String hash) {}

  /** The volume's status, for the status file. */
  record Status(String volume, String state, boolean readOnly, long cursor, int files, int conflicts, int refusedLocalWrites,
      String lastSyncAt, String lastError) {}

  VolumeSync(SidecarConfig.Volume volume, Path dir, OrgFsClient client, Clock clock, Runnable statusChanged) {
    this.volume = volume;
    this.dir = dir;
    this.client = client;
    this.readOnly = volume.effectivelyReadOnly();
    this.clock = clock;
    this.statusChanged = statusChanged;
  }

  void start() throws IOException {
    Files.createDirectories(dir);
    watch = FileSystems.getDefault().newWatchService();
    threads.add(Thread.ofPlatform().daemon().name("orgfs-remote-" + volume.volume()).start(this::remoteLoop));
    threads.add(Thread.ofPlatform().daemon().name("orgfs-local-" + volume.volume()).start(this::localLoop));
  }

  /** Holds both directions (changes wait, nothing is lost) until resumed. */
  void pause(boolean pause) {
    paused = pause;
  }

  /** Read without the sync's lock (volatile fields): a slow download never holds up the status file. */
  Status status() {
    return new Status(volume.volume(), state, readOnly, cursor, fileCount, conflicts, refused,
        lastSync == null ? null : lastSync.toString(), lastError);
  }

  // ---- remote → local

  private void remoteLoop() {
    Duration backoff = Duration.ofMillis(500);
    boolean initialised = false;
    while (running) {
      try {
        if (paused) {
          Thread.sleep(100);
          continue;
        }
        if (!initialised) {
          initialSync();
          initialised = true;
          continue;
        }
        var changes = client.changes(cursor, true);
        if (!running) {
          return;
        }
        synchronized (this) {
          while (paused && running) {
            wait(100);
          }
          for (var change : changes.changes()) {
            applyRemote(change);
          }
          cursor = Math.max(cursor, changes.cursor());
          synced();
        }
        backoff = Duration.ofMillis(500);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        failed(e);
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
      }
    }
  }

  private synchronized void initialSync() throws IOException, InterruptedException {
    state = "initial-sync";
    var listing = client.list();
    for (var entry : listing.entries()) {
      Path local = local(entry.path());
      if (Files.exists(local) && !readOnly && !entry.etag().equals(base.containsKey(entry.path()) ? base.get(entry.path()).etag() : null)) {
        String localHash = hash(local);
        Path temp = temp();
        try {
          var etag = client.download(entry.path(), temp);
          if (etag.isEmpty()) {
            continue;
          }
          if (!hash(temp).equals(localHash)) {
            // Both sides have a file and nothing says which came first: the platform's copy wins.
            keepConflictCopy(entry.path(), local);
          }
          install(temp, local);
          base.put(entry.path(), new Base(etag.get(), hash(local)));
        } finally {
          Files.deleteIfExists(temp);
        }
      } else {
        download(entry.path());
      }
    }
    cursor = listing.cursor();
    scanLocal();
    synced();
  }

  private void applyRemote(OrgFsClient.RemoteChange change) throws IOException, InterruptedException {
    String path = change.path();
    var known = base.get(path);
    Path local = local(path);
    if (change.kind().equals("write")) {
      if (known != null && known.etag().equals(change.etag())) {
        return; // our own upload coming back
      }
      if (!readOnly && Files.exists(local) && (known == null || !hash(local).equals(known.hash()))) {
        keepConflictCopy(path, local);
      }
      download(path);
    } else {
      if (known == null) {
        return;
      }
      if (Files.exists(local) && (readOnly || hash(local).equals(known.hash()))) {
        makeWritable(local);
        Files.deleteIfExists(local);
        hashes.remove(path);
      }
      // A local edit of a file deleted remotely stays, and goes up as a new file on the next scan.
      base.remove(path);
    }
  }

  // ---- local → remote

  private void localLoop() {
    while (running) {
      try {
        var key = watch.poll(SCAN_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
          Thread.sleep(50); // let a burst of writes settle
        }
        if (paused || "starting".equals(state) || "initial-sync".equals(state)) {
          continue;
        }
        synchronized (this) {
          scanLocal();
          synced();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (Exception e) {
        failed(e);
      }
    }
  }

  private void scanLocal() throws IOException, InterruptedException {
    var present = new TreeMap<String, Path>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p)) {
          register(p);
          continue;
        }
        String name = p.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX) || !Files.isRegularFile(p)) {
          continue;
        }
        present.put(dir.relativize(p).toString().replace('\\', '/'), p);
      }
    }
    int strays = 0;
    for (var e : present.entrySet()) {
      String path = e.getKey();
      Path local = e.getValue();
      var known = base.get(path);
      String hash;
      try {
        hash = hash(local);
      } catch (NoSuchFileException gone) {
        continue;
      }
      if (known != null && known.hash().equals(hash)) {
        continue;
      }
      if (readOnly) {
        if (known != null) {
          log.info("{}: {} changed locally in a read-only volume; putting it back", volume.volume(), path);
          download(path);
        } else {
          strays++;
        }
        continue;
      }
      var outcome = client.upload(path, local, known == null ? null : known.etag());
      if (outcome.done()) {
        // Hash what was read for the upload: an edit made during it is seen on the next scan.
        base.put(path, new Base(outcome.etag(), hash));
      } else if (outcome.status() == 412) {
        keepConflictCopy(path, local);
        download(path);
      } else {
        lastError = "the platform refused " + path + " (" + outcome.status() + ")";
      }
    }
    refused = strays;
    for (String path : List.copyOf(base.keySet())) {
      if (present.containsKey(path)) {
        continue;
      }
      if (readOnly) {
        download(path);
        continue;
      }
      var outcome = client.delete(path, base.get(path).etag());
      if (outcome.done()) {
        base.remove(path);
      } else if (outcome.status() == 412) {
        download(path); // changed remotely meanwhile: the newer content comes back
      }
    }
  }

  // ---- files

  private void keepConflictCopy(String path, Path local) throws IOException {
    String copy = ConflictNames.of(path, clock.instant());
    Path target = local(copy);
    Files.move(local, target, StandardCopyOption.ATOMIC_MOVE);
    hashes.remove(path);
    conflicts++;
    log.info("{}: concurrent edits of {}; the local one is kept as {}", volume.volume(), path, copy);
  }

  /** Downloads the remote file over the local one; forgets it if it is gone. */
  private void download(String path) throws IOException, InterruptedException {
    Path local = local(path);
    Path temp = temp();
    try {
      var etag = client.download(path, temp);
      if (etag.isEmpty()) {
        base.remove(path);
        return;
      }
      install(temp, local);
      base.put(path, new Base(etag.get(), hash(local)));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void install(Path temp, Path local) throws IOException {
    Files.createDirectories(local.getParent());
    if (Files.exists(local)) {
      makeWritable(local);
    }
    Files.move(temp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (readOnly) {
      setPermissions(local, "r--r--r--");
    }
    hashes.remove(dir.relativize(local).toString());
  }

  private void makeWritable(Path local) {
    if (readOnly) {
      setPermissions(local, "rw-r--r--");
    }
  }

  private static void setPermissions(Path file, String permissions) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX filesystem: the volume is still never uploaded from, only less visibly read-only.
    }
  }

  private Path temp() {
    return dir.resolve(TEMP_PREFIX + UUID.randomUUID() + ".part");
  }

  /** The local file of a remote path; a path that would leave the directory is refused. */
  private Path local(String path) {
    Path local = dir.resolve(path).normalize();
    if (!local.startsWith(dir) || local.equals(dir)) {
      throw new IllegalArgumentException("refusing a path outside the volume: " + path);
    }
    return local;
  }

  private String hash(Path file) throws IOException {
    String path = dir.relativize(file).toString();
    long size = Files.size(file);
    long modified = Files.getLastModifiedTime(file).toMillis();
    var stamp = hashes.get(path);
    if (stamp != null && stamp.size() == size && stamp.modified() == modified && !path.startsWith(TEMP_PREFIX)) {
      return stamp.hash();
    }
    try (InputStream in = Files.newInputStream(file)) {
      var digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      String hash = HexFormat.of().formatHex(digest.digest());
      if (!path.startsWith(TEMP_PREFIX)) {
        hashes.put(path, new Stamp(size, modified, hash));
      }
      return hash;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private final Set<Path> registered = ConcurrentHashMap.newKeySet();

  private void register(Path directory) {
    if (registered.add(directory)) {
      try {
        directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      } catch (IOException | ClosedWatchServiceException e) {
        registered.remove(directory); // the periodic scan still covers it
      }
    }
  }

  private void synced() {
    fileCount = base.size();
    state = "syncing";
    lastError = null;
    lastSync = clock.instant();
    statusChanged.run();
  }

  private void failed(Exception e) {
    state = "error";
    lastError = e instanceof AccessDeniedException ? "access denied: " + e.getMessage() : String.valueOf(e.getMessage());
    log.warn("{}: sync failed, retrying: {}", volume.volume(), lastError);
    statusChanged.run();
  }

  @Override
  public void close() {
    running = false;
    threads.forEach(Thread::interrupt);
    try {
      if (watch != null) {
        watch.close();
      }
    } catch (IOException e) {
      // closing anyway
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
