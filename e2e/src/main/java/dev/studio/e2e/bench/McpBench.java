package dev.studio.e2e.bench;

import dev.studio.runtime.Role;
import dev.studio.runtime.mcp.TestMcpServer;
import dev.studio.runtime.testing.Platform;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the /mcp proxy adds to a tool call: the same SDK client calls an SDK server on localhost
 * directly and through {@code /mcp/{connectionId}} of an api process (token check, cached
 * connection lookup, the HTTP-level forward with the vault's credentials, the audit row),
 * interleaved call by call in the same run so both see the same machine. Reports p50/p90 of each,
 * the per-pair overhead, and its spread across the run. Goal: p50 overhead ≤ 1 ms.
 */
public final class McpBench implements Benchmark {
  static final int WARM_UP = 2000;
  static final int CALLS = 3000;
  static final int BLOCKS = 5;
  static final String SECRET = "bench-downstream-key";

  @Override
  public String name() {
    return "mcp";
  }

  @Override
  public Report run() throws Exception {
    var report = new Report(name());
    try (var downstream = TestMcpServer.guarded("X-Api-Key", SECRET); var platform = Platform.create()) {
      var api = platform.process(Role.api, Map.of(), List.of("-Xmx1g"));
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      var caller = admin.as(Platform.token(admin, org, "privileged"));
      var created = caller.post("/api/" + org + "/connections", Map.of("name", "bench", "url", downstream.url(),
          "auth", Map.of("type", "header", "header", "X-Api-Key", "value", SECRET)));
      if (created.status() != 201) {
        throw new IllegalStateException("cannot create the connection: " + created.text());
      }
      String connection = created.at("/id");
      try (var direct = client(downstream.url().replace("/mcp", ""), "/mcp", Map.of("X-Api-Key", SECRET));
          var proxied = client(admin.base(), "/mcp/" + connection, Map.of("Authorization", "Bearer " + caller.token()))) {
        direct.initialize();
        proxied.initialize();
        var request = new McpSchema.CallToolRequest("greet", Map.of("name", "bench"));
        for (int i = 0; i < WARM_UP; i++) {
          direct.callTool(request);
          proxied.callTool(request);
        }
        List<Double> directMs = new ArrayList<>();
        List<Double> proxiedMs = new ArrayList<>();
        List<Double> overheadMs = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
          // Alternate which goes first, so neither always meets a warmer cache or a quieter moment.
          double d;
          double p;
          if (i % 2 == 0) {
            d = time(direct, request);
            p = time(proxied, request);
          } else {
            p = time(proxied, request);
            d = time(direct, request);
          }
          directMs.add(d);
          proxiedMs.add(p);
          overheadMs.add(p - d);
        }
        var overhead = Stats.of(overheadMs);
        var directStats = Stats.of(directMs);
        var proxiedStats = Stats.of(proxiedMs);
        report.distribution("tools/call direct to the downstream, baseline", "ms", directStats, "(baseline)", true);
        report.distribution("tools/call through /mcp/{connectionId}", "ms", proxiedStats, "(see overhead)", true);
        report.distribution("  overhead per call (proxied - direct, same round)", "ms", overhead, "p50 <= 1 ms", overhead.p50() <= 1.0);
        report.figure("  overhead of the p50s (proxied p50 - direct p50)", "ms", proxiedStats.p50() - directStats.p50(), "<= 1 ms",
            proxiedStats.p50() - directStats.p50() <= 1.0);
        report.figure("  overhead of the p90s (proxied p90 - direct p90)", "ms", proxiedStats.p90() - directStats.p90(), "(spread)", true);
        // The spread of the figure itself: its p50 in each of BLOCKS consecutive slices of the run.
        List<Double> blockMedians = new ArrayList<>();
        int size = CALLS / BLOCKS;
        for (int b = 0; b < BLOCKS; b++) {
          blockMedians.add(Stats.of(overheadMs.subList(b * size, (b + 1) * size)).p50());
        }
        var blocks = Stats.of(blockMedians);
        report.figure("  overhead p50 per block of " + size + " pairs, lowest", "ms", blocks.min(), "(spread)", true);
        report.figure("  overhead p50 per block of " + size + " pairs, highest", "ms", blocks.max(), "p50 <= 1 ms", blocks.max() <= 1.0);
        report.note("calls", CALLS + " interleaved pairs after " + WARM_UP + " warm-up pairs; api in its own JVM; one SDK client each");
        report.note("overhead p50 per block", blockMedians.stream().map(v -> String.format("%.3f", v)).toList().toString());
      }
    }
    return report;
  }

  private static double time(McpSyncClient client, McpSchema.CallToolRequest request) {
    long start = System.nanoTime();
    var result = client.callTool(request);
    double ms = (System.nanoTime() - start) / 1e6;
    if (Boolean.TRUE.equals(result.isError())) {
      throw new IllegalStateException("the tool failed: " + result);
    }
    return ms;
  }

  private static McpSyncClient client(String base, String endpoint, Map<String, String> headers) {
    var transport = HttpClientStreamableHttpTransport.builder(base).endpoint(endpoint)
        .customizeRequest(request -> headers.forEach(request::header)).build();
    return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build();
  }
}
