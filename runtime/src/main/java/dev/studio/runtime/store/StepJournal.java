package dev.studio.runtime.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The journal of a run's steps. Every write is fenced by the run's attempt: a worker that lost its
 * lease (and whose run another worker took over, or the reaper ended) cannot write, and so learns
 * it must stop before its next side effect.
 */
public final class StepJournal implements StepLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FENCE = "exists (select 1 from runs where id = ? and attempt = ? and state = 'running')";

  private final Jdbi jdbi;

  public StepJournal(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public boolean begin(UUID runId, int attempt, int step, Step.Kind kind, String toolName, String toolCallId,
      boolean idempotent, JsonNode input) {
    return jdbi.withHandle(h -> h.createUpdate("""
            insert into run_steps (run_id, step, kind, state, attempt, tool_name, tool_call_id, idempotent, input)
            select ?, ?, ?, 'started', ?, ?, ?, ?, cast(? as jsonb) where %s
            on conflict (run_id, step) do update set state = 'started', attempt = excluded.attempt,
              input = excluded.input, started_at = now(), finished_at = null, output = null
            where run_steps.state <> 'completed'""".formatted(FENCE))
        .bind(0, runId).bind(1, step).bind(2, kind.name()).bind(3, attempt).bind(4, toolName).bind(5, toolCallId)
        .bind(6, idempotent).bind(7, text(input)).bind(8, runId).bind(9, attempt)
        .execute()) == 1;
  }

  @Override
  public boolean end(UUID runId, int attempt, int step, boolean ok, JsonNode output) {
    return jdbi.withHandle(h -> h.createUpdate("update run_steps set state = ?, output = cast(? as jsonb), finished_at = now() "
            + "where run_id = ? and step = ? and attempt = ? and " + FENCE)
        .bind(0, ok ? "completed" : "failed").bind(1, text(output)).bind(2, runId).bind(3, step).bind(4, attempt)
        .bind(5, runId).bind(6, attempt)
        .execute()) == 1;
  }

  public List<Step> steps(UUID runId) {
    return jdbi.withHandle(h -> h.createQuery("""
            select step, kind, state, attempt, tool_name, tool_call_id, idempotent, input::text, output::text, started_at, finished_at
            from run_steps where run_id = ? order by step""")
        .bind(0, runId)
        .map((rs, ctx) -> new Step(
            rs.getInt(1),
            Step.Kind.valueOf(rs.getString(2)),
            Step.State.valueOf(rs.getString(3)),
            rs.getInt(4),
            rs.getString(5),
            rs.getString(6),
            rs.getBoolean(7),
            json(rs.getString(8)),
            json(rs.getString(9)),
            rs.getTimestamp(10).toInstant(),
            rs.getTimestamp(11) == null ? null : rs.getTimestamp(11).toInstant()))
        .list());
  }

  private static String text(JsonNode node) {
    return node == null ? null : node.toString();
  }

  private static JsonNode json(String text) {
    try {
      return text == null ? null : JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException("bad JSON in the step journal", e);
    }
  }
}
