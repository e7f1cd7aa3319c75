package dev.studio.daemon.tasks;

/** A task as the API lists it; {@code state} is running, exited or killed. Times are RFC 3339. */
public record TaskInfo(String id, String name, String command, String state, Integer exitCode, String startedAt, String endedAt) {
}
