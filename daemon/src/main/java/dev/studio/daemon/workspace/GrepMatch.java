package dev.studio.daemon.workspace;

/** One matching line: its file (workspace-relative), its 1-based number and its text. */
public record GrepMatch(String path, int line, String text) {
}
