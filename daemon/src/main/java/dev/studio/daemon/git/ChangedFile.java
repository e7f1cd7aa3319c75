package dev.studio.daemon.git;

/**
 * One path that differs from HEAD. {@code state} is one of modified, added, deleted, renamed, copied, typechange,
 * untracked or conflicted; {@code staged}/{@code unstaged} tell where the change is; {@code from} is set for renames.
 */
public record ChangedFile(String path, String state, boolean staged, boolean unstaged, String from) {
}
