package dev.studio.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of one benchmark: printed as a table and written as JSON under target/bench/. */
public final class Report {
  private final String name;
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final Map<String, Object> notes = new LinkedHashMap<>();

  public Report(String name) {
    this.name = name;
  }

  /** A distribution, with the goal its median (or another order statistic) is held to. */
  public Report distribution(String metric, String unit, Stats stats, String goal, boolean met) {
    var row = new LinkedHashMap<String, Object>();
    row.put("metric", metric);
    row.put("unit", unit);
    row.putAll(stats.asMap());
    row.put("goal", goal);
    row.put("met", met);
    rows.add(row);
    return this;
  }

  /** A single figure and its goal. */
  public Report figure(String metric, String unit, double value, String goal, boolean met) {
    var row = new LinkedHashMap<String, Object>();
    row.put("metric", metric);
    row.put("unit", unit);
    row.put("value", Stats.round(value));
    row.put("goal", goal);
    row.put("met", met);
    rows.add(row);
    return this;
  }

  public Report note(String key, Object value) {
    notes.put(key, value);
    return this;
  }

  public boolean allMet() {
    return rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get("met")));
  }

  public Path write() throws IOException {
    var json = new LinkedHashMap<String, Object>();
    json.put("benchmark", name);
    json.put("at", Instant.now().toString());
    json.put("machine", Map.of(
        "cores", Runtime.getRuntime().availableProcessors(),
        "java", System.getProperty("java.version"),
        "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
    json.put("results", rows);
    json.put("notes", notes);
    Path file = Path.of("target", "bench", name + ".json");
    Files.createDirectories(file.getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    return file;
  }

  public void print() {
    System.out.println();
    System.out.println("== " + name + " ==");
    System.out.printf("%-58s %-6s %10s %10s %10s %10s  %-28s %s%n", "metric", "unit", "p50/value", "p90", "p99", "max", "goal", "met");
    for (var row : rows) {
      if (row.containsKey("p50")) {
        System.out.printf("%-58s %-6s %10s %10s %10s %10s  %-28s %s%n", row.get("metric"), row.get("unit"), row.get("p50"),
            row.get("p90"), row.get("p99"), row.get("max"), row.get("goal"), row.get("met"));
      } else {
        System.out.printf("%-58s %-6s %10s %10s %10s %10s  %-28s %s%n", row.get("metric"), row.get("unit"), row.get("value"),
            "", "", "", row.get("goal"), row.get("met"));
      }
    }
    notes.forEach((k, v) -> System.out.println("  " + k + ": " + v));
  }
}
