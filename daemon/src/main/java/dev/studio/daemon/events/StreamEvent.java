package dev.studio.daemon.events;

/** One server-sent event: its id (increasing within its log), its name, and its data as one line of JSON. */
public record StreamEvent(long id, String type, String data) {
  /** Roughly what the event costs to keep, for the byte bound of a {@link ReplayLog}. */
  int weight() {
    return 48 + type.length() + data.length();
  }
}
