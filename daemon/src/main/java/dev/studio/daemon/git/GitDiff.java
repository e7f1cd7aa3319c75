package dev.studio.daemon.git;

/** A unified diff of the working tree against HEAD, untracked files included as additions. */
public record GitDiff(String diff, boolean truncated) {
}
