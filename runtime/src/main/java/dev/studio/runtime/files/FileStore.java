package dev.studio.runtime.files;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Files' names and states in PostgreSQL; their bytes are in the object store. */
public final class FileStore {
  private static final String COLUMNS = "id, org_id, name, content_type, object_key, size, state, created_at";
  private static final RowMapper<StoredFile> FILE = (rs, ctx) -> new StoredFile(
      rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"), rs.getString("content_type"),
      rs.getString("object_key"), rs.getObject("size") == null ? null : rs.getLong("size"),
      StoredFile.State.valueOf(rs.getString("state")), rs.getTimestamp("created_at").toInstant());

  private final Jdbi jdbi;

  public FileStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public StoredFile create(UUID id, UUID org, String name, String contentType, String objectKey, Long size, StoredFile.State state) {
    return jdbi.withHandle(h -> h.createQuery("insert into files (id, org_id, name, content_type, object_key, size, state) values (?, ?, ?, ?, ?, ?, ?) returning "
            + COLUMNS)
        .bind(0, id).bind(1, org).bind(2, name).bind(3, contentType).bind(4, objectKey).bind(5, size).bind(6, state.name())
        .map(FILE).one());
  }

  public Optional<StoredFile> get(UUID org, UUID id) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from files where org_id = ? and id = ?")
        .bind(0, org).bind(1, id).map(FILE).findOne());
  }

  public List<StoredFile> list(UUID org, int limit) {
    return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from files where org_id = ? order by created_at desc, id limit ?")
        .bind(0, org).bind(1, limit).map(FILE).list());
  }

  /** Marks a pending file ready with the size its object turned out to have. */
  public Optional<StoredFile> ready(UUID org, UUID id, long size) {
    return jdbi.withHandle(h -> h.createQuery("update files set size = ?, state = 'ready' where org_id = ? and id = ? returning " + COLUMNS)
        .bind(0, size).bind(1, org).bind(2, id).map(FILE).findOne());
  }

  public boolean delete(UUID org, UUID id) {
    return jdbi.withHandle(h -> h.createUpdate("delete from files where org_id = ? and id = ?").bind(0, org).bind(1, id).execute()) > 0;
  }
}
