package dev.studio.e2e.bench;

/** One benchmark: it runs and reports. */
public interface Benchmark {
  String name();

  Report run() throws Exception;
}
