package dev.studio.runtime.orgfs;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The org filesystem's names, versions and sizes in PostgreSQL. Every change takes the org's row
 * lock first: the quota sums the whole org, so two writes in one org must not both pass the check
 * against the same old total.
 */
public final class OrgFileStore {
  private static final RowMapper<OrgFile> FILE = (rs, ctx) -> new OrgFile(
      rs.getString("path"), rs.getLong("version"), rs.getLong("size"), rs.getString("object_key"), rs.getTimestamp("updated_at").toInstant());

  private final Jdbi jdbi;

  /** A committed write: the new version, and the object the old content was in (to delete). */
  public record Written(long version, boolean created, Optional<String> replacedObject) {}

  public OrgFileStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Optional<OrgFile> get(UUID org, String volume, String path) {
    return jdbi.withHandle(h -> find(h, org, volume, path, false));
  }

  /** Every file under the directory ({@code ""} for the whole volume), by path. */
  public List<OrgFile> list(UUID org, String volume, String directory) {
    String prefix = directory.isEmpty() ? "" : directory + "/";
    return jdbi.withHandle(h -> h.createQuery("""
            select path, version, size, object_key, updated_at from org_files
            where org_id = ? and volume = ? and starts_with(path, ?) order by path""")
        .bind(0, org).bind(1, volume).bind(2, prefix).map(FILE).list());
  }

  public long usage(UUID org) {
    return jdbi.withHandle(h -> usage(h, org));
  }

  /** Records new content for the path, if the preconditions and the quota allow it. */
  public Written write(UUID org, String volume, String path, long size, String objectKey, String ifMatch, String ifNoneMatch, long quota) {
    return jdbi.inTransaction(h -> {
      lockOrg(h, org);
      var current = find(h, org, volume, path, true);
      checkPreconditions(path, current, ifMatch, ifNoneMatch);
      long used = usage(h, org);
      long after = used - current.map(OrgFile::size).orElse(0L) + size;
      if (after > quota) {
        throw new Refusal(Refusal.Reason.quota, "the org's files would take " + after + " bytes; its quota is " + quota, used);
      }
      long seq = change(h, org, volume, path, Change.Kind.write, size);
      h.createUpdate("""
              insert into org_files (org_id, volume, path, version, size, object_key) values (?, ?, ?, ?, ?, ?)
              on conflict (org_id, volume, path) do update
              set version = excluded.version, size = excluded.size, object_key = excluded.object_key, updated_at = now()""")
          .bind(0, org).bind(1, volume).bind(2, path).bind(3, seq).bind(4, size).bind(5, objectKey).execute();
      return new Written(seq, current.isEmpty(), current.map(OrgFile::objectKey));
    });
  }

  /** Removes the path; returns the object its bytes were in. */
  public String delete(UUID org, String volume, String path, String ifMatch) {
    return jdbi.inTransaction(h -> {
      lockOrg(h, org);
      var current = find(h, org, volume, path, true)
          .orElseThrow(() -> new Refusal(Refusal.Reason.missing, path + " does not exist", 0));
      checkPreconditions(path, Optional.of(current), ifMatch, null);
      h.createUpdate("delete from org_files where org_id = ? and volume = ? and path = ?").bind(0, org).bind(1, volume).bind(2, path).execute();
      change(h, org, volume, path, Change.Kind.delete, null);
      return current.objectKey();
    });
  }

  /** Renames a file: the bytes stay where they are, the name and version change. */
  public long move(UUID org, String volume, String from, String to, String ifMatch) {
    return jdbi.inTransaction(h -> {
      lockOrg(h, org);
      var source = find(h, org, volume, from, true)
          .orElseThrow(() -> new Refusal(Refusal.Reason.missing, from + " does not exist", 0));
      checkPreconditions(from, Optional.of(source), ifMatch, null);
      if (find(h, org, volume, to, true).isPresent()) {
        throw new Refusal(Refusal.Reason.exists, to + " exists; delete it first", 0);
      }
      h.createUpdate("delete from org_files where org_id = ? and volume = ? and path = ?").bind(0, org).bind(1, volume).bind(2, from).execute();
      change(h, org, volume, from, Change.Kind.delete, null);
      long seq = change(h, org, volume, to, Change.Kind.write, source.size());
      h.createUpdate("insert into org_files (org_id, volume, path, version, size, object_key) values (?, ?, ?, ?, ?, ?)")
          .bind(0, org).bind(1, volume).bind(2, to).bind(3, seq).bind(4, source.size()).bind(5, source.objectKey()).execute();
      return seq;
    });
  }

  /** Changes of the volume after {@code since}, oldest first. */
  public List<Change> changes(UUID org, String volume, long since, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            select seq, path, kind, size from org_file_changes
            where org_id = ? and volume = ? and seq > ? order by seq limit ?""")
        .bind(0, org).bind(1, volume).bind(2, since).bind(3, limit)
        .map((rs, ctx) -> new Change(rs.getLong(1), rs.getString(2), Change.Kind.valueOf(rs.getString(3)),
            rs.getObject(4) == null ? null : rs.getLong(4)))
        .list());
  }

  /** The volume's latest change: where a client that has just listed it continues from. */
  public long cursor(UUID org, String volume) {
    return jdbi.withHandle(h -> h.createQuery("select coalesce(max(seq), 0) from org_file_changes where org_id = ? and volume = ?")
        .bind(0, org).bind(1, volume).mapTo(Long.class).one());
  }

  private static void checkPreconditions(String path, Optional<OrgFile> current, String ifMatch, String ifNoneMatch) {
    var version = current.map(OrgFile::version);
    if (!OrgPaths.matches(ifMatch, version)) {
      throw new Refusal(Refusal.Reason.precondition, current.isEmpty()
          ? path + " does not exist (If-Match: " + ifMatch + ")"
          : path + " is at " + OrgPaths.etag(version.get()) + ", not " + ifMatch, 0);
    }
    if (!OrgPaths.noneMatches(ifNoneMatch, version)) {
      throw new Refusal(Refusal.Reason.precondition, path + " exists (If-None-Match: *)", 0);
    }
  }

  private static void lockOrg(Handle h, UUID org) {
    h.createQuery("select id from orgs where id = ? for update").bind(0, org).mapTo(UUID.class).one();
  }

  private static Optional<OrgFile> find(Handle h, UUID org, String volume, String path, boolean forUpdate) {
    return h.createQuery("select path, version, size, object_key, updated_at from org_files where org_id = ? and volume = ? and path = ?"
            + (forUpdate ? " for update" : ""))
        .bind(0, org).bind(1, volume).bind(2, path).map(FILE).findOne();
  }

  private static long usage(Handle h, UUID org) {
    return h.createQuery("select coalesce(sum(size), 0) from org_files where org_id = ?").bind(0, org).mapTo(Long.class).one();
  }

  private static long change(Handle h, UUID org, String volume, String path, Change.Kind kind, Long size) {
    return h.createQuery("insert into org_file_changes (org_id, volume, path, kind, size) values (?, ?, ?, ?, ?) returning seq")
        .bind(0, org).bind(1, volume).bind(2, path).bind(3, kind.name()).bind(4, size).mapTo(Long.class).one();
  }
}
