package dev.studio.runtime.bundle;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * A JVM bundle's class loader. Its parent is the JDK's platform loader, not the runtime's, so the
 * bundle sees the JDK, its own jars and the bundle SPI, and nothing of the runtime's libraries:
 * a bundle may bring any version of anything without clashing with the platform.
 */
final class BundleClassLoader extends URLClassLoader {
  static final String SPI_PACKAGE = "dev.studio.bundle.spi.";

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader runtime;
  private volatile boolean closed;

  BundleClassLoader(String name, URL[] jars, ClassLoader runtime) {
    super(name, jars, ClassLoader.getPlatformClassLoader());
    this.runtime = runtime;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(SPI_PACKAGE)) {
      return runtime.loadClass(name); // one SPI for platform and bundle, or nothing would fit
    }
    return super.loadClass(name, resolve);
  }

  @Override
  public void close() throws java.io.IOException {
    closed = true;
    super.close();
  }

  boolean closed() {
    return closed;
  }
}
