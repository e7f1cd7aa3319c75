package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revision each bundle serves in this process. An instance is loaded per artifact; a new
 * revision is loaded first and then switched in, so new work gets it at once, while work that took
 * a {@link Lease} on the old one finishes there. An old instance is closed (class loader released,
 * files deleted) when its last lease ends. A revision that fails to load here leaves the previous
 * one serving.
 */
public final class BundleRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BundleRegistry.class);
  private static final JsonNode NO_PROPS = JsonNodeFactory.instance.objectNode();

  private final BundleStore store;
  private final BundleSecrets secrets;
  private final Artifacts artifacts;
  private final BundleLoader loader;
  private final Path workDir;
  private final AtomicLong unpacked = new AtomicLong();
  private final Map<String, Active> active = new ConcurrentHashMap<>();
  private final Object loading = new Object();
  private volatile Runnable onChange = () -> {};

  /** What a bundle serves now: its settings, its deployment secrets and the loaded revision. */
  private record Active(BundleRecord settings, Map<String, String> secrets, Instance instance) {}

  public BundleRegistry(BundleStore store, BundleSecrets secrets, Artifacts artifacts, BundleLoader loader) throws IOException {
    this.store = store;
    this.secrets = secrets;
    this.artifacts = artifacts;
    this.loader = loader;
    this.workDir = Files.createTempDirectory("studio-bundles-");
  }

  /** Called after this process switched a bundle to another revision, or dropped it (a worker beats at once). */
  public void onChange(Runnable action) {
    this.onChange = action;
  }

  /** Reads every bundle again: at start, and after a reconnect, when announcements may have been missed. */
  public void catchUp() {
    synchronized (loading) {
      var names = new HashSet<String>();
      for (BundleRecord record : store.all()) {
        names.add(record.name());
        apply(record);
      }
      for (String name : List.copyOf(active.keySet())) {
        if (!names.contains(name)) {
          retract(name);
        }
      }
    }
  }

  /** Reads one bundle again (it was announced). */
  public void refresh(String name) {
    synchronized (loading) {
      store.get(name).ifPresentOrElse(this::apply, () -> retract(name));
    }
  }

  private void apply(BundleRecord record) {
    var current = active.get(record.name());
    Map<String, String> deploymentSecrets = secrets.deployment(record.name());
    if (current != null && current.instance().artifact().equals(record.artifact())) {
      active.put(record.name(), new Active(record, deploymentSecrets, current.instance())); // switches, props: at once
      return;
    }
    Instance next;
    try {
      next = load(record);
    } catch (InvalidBundle | RuntimeException e) {
      log.warn("bundle {}: revision {} did not load here, {} ({})", record.name(), record.revision(),
          current == null ? "nothing to serve" : "still serving " + current.settings().revision(), e.getMessage());
      return;
    }
    var previous = active.put(record.name(), new Active(record, deploymentSecrets, next));
    log.info("bundle {} serves revision {}{}", record.name(), record.revision(),
        previous == null ? "" : " (was " + previous.settings().revision() + ")");
    if (previous != null) {
      previous.instance().retire();
    }
    onChange.run();
  }

  private void retract(String name) {
    var previous = active.remove(name);
    if (previous != null) {
      log.info("bundle {} retracted", name);
      previous.instance().retire();
      onChange.run();
    }
  }

  private Instance load(BundleRecord record) throws InvalidBundle {
    byte[] zip = artifacts.get(record.artifact());
    Path dir = workDir.resolve(record.artifact() + "-" + unpacked.incrementAndGet());
    try {
      BundleZip.extract(zip, dir);
      String name = record.name();
      var context = new LiveContext(name, record.revision(), () -> propsOf(name), () -> secretsOf(name));
      return new Instance(record.artifact(), loader.load(record.kind(), dir, context), dir);
    } catch (InvalidBundle | RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  /**
   * Loads a package the way workers will, then lets it go: the api refuses a revision that does
   * not load before any worker sees it.
   */
  public void validate(String name, String revision, BundleRecord.Kind kind, byte[] zip) throws InvalidBundle {
    Path dir = workDir.resolve("validate-" + unpacked.incrementAndGet());
    try {
      BundleZip.extract(zip, dir);
      var context = new LiveContext(name, revision, () -> propsOf(name), () -> secrets.deployment(name));
      loader.load(kind, dir, context).close();
    } finally {
      delete(dir);
    }
  }

  /** A lease on what {@code name} serves now, or on the default bundle when {@code name} is null. */
  public Optional<Lease> lease(String name) {
    String wanted = name == null ? defaultBundle().orElse(null) : name;
    if (wanted == null) {
      return Optional.empty();
    }
    while (true) {
      var current = active.get(wanted);
      if (current == null) {
        return Optional.empty();
      }
      if (current.instance().acquire()) {
        return Optional.of(new Lease(current.settings(), current.secrets(), current.instance()));
      }
      // Retired between the read and the lease: the map holds its successor already.
    }
  }

  /** The settings a bundle has now, without taking a lease. */
  public Optional<BundleRecord> settings(String name) {
    return Optional.ofNullable(active.get(name)).map(Active::settings);
  }

  /** The bundle messages use when they name none: the one marked default (the first by name if several are). */
  public Optional<String> defaultBundle() {
    return active.values().stream().map(Active::settings).filter(BundleRecord::isDefault).map(BundleRecord::name)
        .min(Comparator.naturalOrder());
  }

  public List<BundleRecord> all() {
    return active.values().stream().map(Active::settings).sorted(Comparator.comparing(BundleRecord::name)).toList();
  }

  /** Bundle name to the artifact this process serves, for its heartbeat. */
  public Map<String, String> loaded() {
    Map<String, String> loaded = new TreeMap<>();
    active.forEach((name, a) -> loaded.put(name, a.instance().artifact()));
    return loaded;
  }

  private JsonNode propsOf(String name) {
    var current = active.get(name);
    return current == null ? NO_PROPS : current.settings().props();
  }

  private Map<String, String> secretsOf(String name) {
    var current = active.get(name);
    return current == null ? Map.of() : current.secrets();
  }

  @Override
  public void close() {
    onChange = () -> {};
    synchronized (loading) {
      List.copyOf(active.keySet()).forEach(this::retract);
    }
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("cannot delete {}: {}", dir, e.toString());
    }
  }

  /** A loaded revision and the work running on it. */
  static final class Instance {
    private final String artifact;
    private final LoadedBundle bundle;
    private final Path dir;
    private int leases;
    private boolean retired;

    Instance(String artifact, LoadedBundle bundle, Path dir) {
      this.artifact = artifact;
      this.bundle = bundle;
      this.dir = dir;
    }

    String artifact() {
      return artifact;
    }

    synchronized boolean acquire() {
      if (retired) {
        return false;
      }
      leases++;
      return true;
    }

    void release() {
      boolean last;
      synchronized (this) {
        leases--;
        last = retired && leases == 0;
      }
      if (last) {
        close();
      }
    }

    void retire() {
      boolean idle;
      synchronized (this) {
        retired = true;
        idle = leases == 0;
      }
      if (idle) {
        close();
      }
    }

    private void close() {
      bundle.close();
      delete(dir);
    }
  }

  /** Work running on one revision of a bundle: close it when the work is done. */
  public static final class Lease implements AutoCloseable {
    private final BundleRecord settings;
    private final Map<String, String> secrets;
    private final Instance instance;
    private boolean released;

    private Lease(BundleRecord settings, Map<String, String> secrets, Instance instance) {
      this.settings = settings;
      this.secrets = secrets;
      this.instance = instance;
    }

    /** The bundle's settings when the lease was taken. */
    public BundleRecord settings() {
      return settings;
    }

    /** The deployment's secrets of the bundle; never log them. */
    public Map<String, String> secrets() {
      return secrets;
    }

    public LoadedBundle bundle() {
      return instance.bundle;
    }

    @Override
    public synchronized void close() {
      if (!released) {
        released = true;
        instance.release();
      }
    }
  }
}
