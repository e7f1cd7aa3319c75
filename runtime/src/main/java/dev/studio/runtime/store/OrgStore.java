package dev.studio.runtime.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Organisations. Slugs never change, so lookups by slug are cached. */
public final class OrgStore {
  private static final Duration CACHE = Duration.ofSeconds(30);

  private final Jdbi jdbi;
  private final ConcurrentHashMap<String, Cached> bySlug = new ConcurrentHashMap<>();

  private record Cached(Org org, long until) {}

  public OrgStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Creates an org; empty if the slug is taken. */
  public Optional<Org> create(String slug, String name) {
    UUID id = UUID.randomUUID();
    try {
      return Optional.of(jdbi.withHandle(h -> h.createQuery(
              "insert into orgs (id, slug, name) values (?, ?, ?) returning id, slug, name, created_at")
          .bind(0, id).bind(1, slug).bind(2, name)
          .map((rs, ctx) -> new Org(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()))
          .one()));
    } catch (UnableToExecuteStatementException e) {
      if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public Optional<Org> bySlug(String slug) {
    var cached = bySlug.get(slug);
    long now = System.nanoTime();
    if (cached != null && cached.until() > now) {
      return Optional.of(cached.org());
    }
    var org = jdbi.withHandle(h -> h.createQuery("select id, slug, name, created_at from orgs where slug = ?")
        .bind(0, slug)
        .map((rs, ctx) -> new Org(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()))
        .findOne());
    org.ifPresent(o -> bySlug.put(slug, new Cached(o, now + CACHE.toNanos())));
    return org;
  }

  public Optional<Org> byId(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("select id, slug, name, created_at from orgs where id = ?")
        .bind(0, id)
        .map((rs, ctx) -> new Org(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()))
        .findOne());
  }

  public List<Org> all() {
    return jdbi.withHandle(h -> h.createQuery("select id, slug, name, created_at from orgs order by slug")
        .map((rs, ctx) -> new Org(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()))
        .list());
  }
}
