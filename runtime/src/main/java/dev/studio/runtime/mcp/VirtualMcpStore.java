package dev.studio.runtime.mcp;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Virtual MCPs in PostgreSQL: a name and the connections it aggregates, in order. */
final class VirtualMcpStore {
  private final Jdbi jdbi;

  VirtualMcpStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Empty when a connection is not the org's (so nobody can aggregate another org's tools). */
  Optional<VirtualMcp> create(UUID org, String name, List<UUID> connections) {
    return jdbi.inTransaction(h -> {
      long owned = h.createQuery("select count(*) from mcp_connections where org_id = ? and id = any(?)").bind(0, org)
          .bind(1, connections.toArray(UUID[]::new)).mapTo(Long.class).one();
      if (owned != connections.size()) {
        return Optional.<VirtualMcp>empty();
      }
      UUID id = UUID.randomUUID();
      h.createUpdate("insert into mcp_virtual (id, org_id, name) values (?, ?, ?)").bind(0, id).bind(1, org).bind(2, name).execute();
      var insert = h.prepareBatch("insert into mcp_virtual_connections (virtual_id, connection_id, position) values (?, ?, ?)");
      for (int i = 0; i < connections.size(); i++) {
        insert.bind(0, id).bind(1, connections.get(i)).bind(2, i).add();
      }
      insert.execute();
      return Optional.of(new VirtualMcp(id, org, name, List.copyOf(connections)));
    });
  }

  Optional<VirtualMcp> find(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("select org_id, name from mcp_virtual where id = ?").bind(0, id)
        .map((rs, ctx) -> new VirtualMcp(id, rs.getObject(1, UUID.class), rs.getString(2), List.of())).findOne()
        .map(v -> new VirtualMcp(v.id(), v.orgId(), v.name(), members(h, List.of(id)).getOrDefault(id, List.of()))));
  }

  List<VirtualMcp> list(UUID org) {
    return jdbi.withHandle(h -> {
      var found = h.createQuery("select id, name from mcp_virtual where org_id = ? order by name, id").bind(0, org)
          .map((rs, ctx) -> new VirtualMcp(rs.getObject(1, UUID.class), org, rs.getString(2), List.of())).list();
      var members = members(h, found.stream().map(VirtualMcp::id).toList());
      return found.stream().map(v -> new VirtualMcp(v.id(), org, v.name(), members.getOrDefault(v.id(), List.of()))).toList();
    });
  }

  boolean delete(UUID org, UUID id) {
    return jdbi.withHandle(h -> h.createUpdate("delete from mcp_virtual where org_id = ? and id = ?").bind(0, org).bind(1, id)
        .execute()) > 0;
  }

  private static Map<UUID, List<UUID>> members(Handle h, List<UUID> virtuals) {
    return h.createQuery("select virtual_id, connection_id from mcp_virtual_connections where virtual_id = any(?) order by position")
        .bind(0, virtuals.toArray(UUID[]::new))
        .map((rs, ctx) -> Map.entry(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class))).list().stream()
        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
  }
}
