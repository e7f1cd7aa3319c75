package dev.studio.runtime.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One row per tool call made through the {@code /mcp} routes: who (org, token), which connection
 * and tool, the outcome and the duration. Never the arguments or the result, which may hold
 * secrets. Rows are written in batches by a background thread so the call does not wait for the
 * insert; on close the rows still queued are written.
 */
final class ToolAudit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ToolAudit.class);
  private static final int QUEUE = 10_000;
  private static final int BATCH = 500;

  enum Outcome { ok, tool_error, failed }

  record Entry(UUID orgId, UUID tokenId, UUID connectionId, UUID virtualId, String tool, Outcome outcome, long durationMs) {}

  private final Jdbi jdbi;
  private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread writer;
  private volatile boolean closed;

  ToolAudit(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.writer = Thread.ofPlatform().daemon().name("mcp-audit").start(this::write);
  }

  void record(Entry entry) {
    if (!queue.offer(entry)) {
      // The database is far behind; say so rather than block tool calls on the audit.
      log.warn("mcp audit queue is full: a row for tool {} of connection {} is lost", entry.tool(), entry.connectionId());
    }
  }

  private void write() {
    List<Entry> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        insert(batch);
      } catch (InterruptedException e) {
        closed = true;
      } catch (RuntimeException e) {
        log.warn("mcp audit: {} rows not written: {}", batch.size(), e.toString());
      }
      batch.clear();
    }
  }

  private void insert(List<Entry> batch) {
    jdbi.useHandle(h -> {
      var insert = h.prepareBatch("insert into mcp_audit (org_id, token_id, connection_id, virtual_id, tool, outcome, duration_ms) "
          + "values (?, cast(? as uuid), ?, cast(? as uuid), ?, ?, ?)");
      for (Entry e : batch) {
        insert.bind(0, e.orgId()).bind(1, string(e.tokenId())).bind(2, e.connectionId()).bind(3, string(e.virtualId())).bind(4, e.tool())
            .bind(5, e.outcome().name()).bind(6, (int) Math.min(Integer.MAX_VALUE, e.durationMs())).add();
      }
      insert.execute();
    });
  }

  /** A null UUID has no type the driver can send; text cast in SQL has. */
  private static String string(UUID id) {
    return id == null ? null : id.toString();
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    writer.join(5_000);
  }
}
