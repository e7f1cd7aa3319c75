package dev.studio.daemon.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The daemon's {@code /events} stream: setup phases, task lifecycle and output, file changes made through the API.
 * Sizes follow the reference daemon: a 256 KB replay buffer and at most 100 clients.
 */
public final class EventBus {
  public static final long REPLAY_BYTES = 256 * 1024;
  public static final int MAX_CLIENTS = 100;
  private static final int CLIENT_QUEUE = 4096;

  private final ObjectMapper json;
  private final ReplayLog log = new ReplayLog(REPLAY_BYTES, MAX_CLIENTS, CLIENT_QUEUE);

  public EventBus(ObjectMapper json) {
    this.json = json;
  }

  /** Publishes an event whose data is {@code data} as JSON (a record or a map). */
  public StreamEvent publish(String type, Object data) {
    try {
      return log.append(type, json.writeValueAsString(data));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("event data is not serialisable: " + type, e);
    }
  }

  public Subscription subscribe(long afterId) throws TooManySubscribersException {
    return log.subscribe(afterId);
  }

  public void close() {
    log.close();
  }
}
