package dev.studio.e2e.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the benchmarks named on the command line ({@code all} for every one). */
public final class Benchmarks {
  private static final List<Benchmark> ALL = List.of(new OperatorBench(), new RunsBench(), new StreamBench(), new ChaosBench(), new PreviewBench(),
      new GrepBench(), new SandboxBench(), new BundleBench(), new PlatformBench(), new McpBench());

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    String selection = args.length == 0 ? "all" : args[0];
    Map<String, Benchmark> byName = new LinkedHashMap<>();
    ALL.forEach(b -> byName.put(b.name(), b));
    List<String> names = selection.equals("all") ? List.copyOf(byName.keySet()) : Arrays.asList(selection.split(","));
    boolean allMet = true;
    for (String name : names) {
      Benchmark benchmark = byName.get(name.trim());
      if (benchmark == null) {
        System.err.println("no benchmark named '" + name + "'; benchmarks: " + byName.keySet());
        System.exit(2);
      }
      Report report = benchmark.run();
      report.print();
      System.out.println("  written to " + report.write().toAbsolutePath());
      allMet &= report.allMet();
    }
    System.out.println(allMet ? "\nAll goals met." : "\nSome goals were not met (see 'met' above).");
    System.exit(0);
  }
}
