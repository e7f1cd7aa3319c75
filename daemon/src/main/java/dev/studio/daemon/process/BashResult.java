package dev.studio.daemon.process;

/** What {@code POST /_sandbox/bash} answers. {@code truncated} is true when either output hit its cap. */
public record BashResult(Integer exitCode, String stdout, String stderr, boolean timedOut, boolean truncated, long durationMs) {
}
