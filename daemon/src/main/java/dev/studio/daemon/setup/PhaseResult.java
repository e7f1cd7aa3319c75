package dev.studio.daemon.setup;

/**
 * How a setup phase ended: {@code state} is succeeded, failed, skipped (nothing configured for it) or, for
 * {@code start}, started (the dev server runs as task {@code taskId}).
 */
public record PhaseResult(String phase, String state, Integer exitCode, long durationMs, String taskId, String message) {
}
