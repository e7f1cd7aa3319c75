package dev.studio.runtime.bundle;

import dev.studio.bundle.spi.JobHandler;
import dev.studio.bundle.spi.Operation;
import dev.studio.bundle.spi.StudioBundle;
import dev.studio.bundle.spi.TurnHandler;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM bundle: an instance of its {@link StudioBundle} in a class loader of its own. Every call
 * into it runs with that loader as the thread's context class loader, as libraries inside the
 * bundle expect.
 */
public final class JvmBundle implements LoadedBundle {
  private static final Logger log = LoggerFactory.getLogger(JvmBundle.class);

  private final String name;
  private final String revision;
  private final BundleClassLoader loader;
  private final StudioBundle instance;
  private final Optional<BundleDefinition> definition;
  private final Optional<TurnHandler> turns;
  private final Map<String, Operation> operations;
  private final Optional<JobHandler> jobs;

  JvmBundle(String name, String revision, BundleClassLoader loader, StudioBundle instance, Optional<BundleDefinition> definition) {
    this.name = name;
    this.revision = revision;
    this.loader = loader;
    this.instance = instance;
    this.definition = definition;
    this.turns = instance.turns();
    this.operations = Map.copyOf(instance.operations());
    this.jobs = instance.jobs();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String revision() {
    return revision;
  }

  @Override
  public Optional<BundleDefinition> definition() {
    return definition;
  }

  @Override
  public Set<String> operations() {
    return operations.keySet();
  }

  public Optional<TurnHandler> turns() {
    return turns;
  }

  public Optional<Operation> operation(String name) {
    return Optional.ofNullable(operations.get(name));
  }

  public Optional<JobHandler> jobs() {
    return jobs;
  }

  /** Runs {@code call} with the bundle's class loader as the context class loader. */
  public <T> T call(Callable<T> call) throws Exception {
    return inLoader(loader, call);
  }

  static <T> T inLoader(ClassLoader loader, Callable<T> call) throws Exception {
    var thread = Thread.currentThread();
    var previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return call.call();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Override
  public void close() {
    try {
      call(() -> {
        instance.close();
        return null;
      });
    } catch (Exception e) {
      log.warn("bundle {} {} failed to close: {}", name, revision, e.toString());
    }
    try {
      loader.close();
    } catch (IOException e) {
      log.warn("bundle {} {}: class loader did not close: {}", name, revision, e.toString());
    }
  }

  /** For tests: whether the class loader was released. */
  boolean closed() {
    return loader.closed();
  }
}
