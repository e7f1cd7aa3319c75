package dev.studio.runtime.mcp;

import dev.studio.runtime.ReadThroughCache;
import dev.studio.runtime.agent.tools.OrgTools;
import dev.studio.runtime.agent.tools.Tool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools of every connection of a run's org, for the worker's agent loop. Lists come from the
 * clients' cache (refreshed on the downstream's list_changed notification and on any change of
 * the connection). A downstream that cannot list its tools is left out of the run, and not asked
 * again for a while, so a dead downstream does not hold up the start of every run.
 *
 * <p>An org's connections are read from PostgreSQL once per {@link #LIST_TTL} at most, not once
 * per run (it was one more statement per run, on the hot path of every run's start): any
 * change of a connection, here or announced by another process, drops every cached list, and the
 * TTL bounds how stale a list can be when an announcement is lost (NATS away).
 */
final class ConnectionTools implements OrgTools {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTools.class);
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);
  static final Duration LIST_TTL = Duration.ofSeconds(5);

  private final ConnectionStore connections;
  private final DownstreamClients clients;
  /** Connection id and version → when to ask it again. */
  private final ConcurrentHashMap<String, Long> failing = new ConcurrentHashMap<>();
  private final ReadThroughCache<UUID, List<Connection>> lists = new ReadThroughCache<>(LIST_TTL, 10_000);

  ConnectionTools(ConnectionStore connections, DownstreamClients clients) {
    this.connections = connections;
    this.clients = clients;
  }

  @Override
  public List<Tool> forOrg(UUID org) {
    List<Tool> tools = new ArrayList<>();
    for (Connection connection : lists.get(org, connections::list)) {
      String key = connection.id() + "@" + connection.version();
      Long retry = failing.get(key);
      if (retry != null && retry - System.nanoTime() > 0) {
        continue;
      }
      try {
        clients.tools(connection).forEach(tool -> tools.add(new McpTool(connection, tool, clients)));
        failing.remove(key);
      } catch (DownstreamException e) {
        failing.put(key, System.nanoTime() + RETRY_AFTER.toNanos());
        log.warn("connection {} ({}) left out of runs for {} s: {}", connection.name(), connection.id(), RETRY_AFTER.toSeconds(),
            e.getMessage());
      }
    }
    return tools;
  }

  /** A connection changed or is gone: the next run of any org reads its connections again. */
  void forgetLists() {
    lists.invalidateAll();
  }
}
