package dev.studio.e2e.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Order statistics of a sample. */
public record Stats(int n, double min, double p50, double p90, double p99, double max, double mean) {

  public static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      return new Stats(0, 0, 0, 0, 0, 0, 0);
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Stats(sorted.length, sorted[0], percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
        sorted[sorted.length - 1], Arrays.stream(sorted).average().orElse(0));
  }

  /** Nearest-rank percentile. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  Map<String, Object> asMap() {
    var map = new LinkedHashMap<String, Object>();
    map.put("n", n);
    map.put("min", round(min));
    map.put("p50", round(p50));
    map.put("p90", round(p90));
    map.put("p99", round(p99));
    map.put("max", round(max));
    map.put("mean", round(mean));
    return map;
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
