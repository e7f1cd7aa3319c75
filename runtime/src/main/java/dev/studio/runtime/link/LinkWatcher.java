package dev.studio.runtime.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.runtime.dispatch.QueuedRun;
import dev.studio.runtime.dispatch.RunQueue;
import dev.studio.runtime.store.Run;
import dev.studio.runtime.store.RunStore;
import dev.studio.runtime.stream.EventPublisher;
import dev.studio.runtime.stream.EventTypes;
import dev.studio.runtime.stream.RunEnds;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No linked run is left hanging when its link goes away. Every few seconds: for each linked run
 * that has not ended whose user has no presence entry any more (it aged out of the bucket), a
 * run not yet started goes back to the hosted lanes, and a started one ends {@code interrupted}
 * with reason {@value #LINK_LOST} (its steps ran on a machine that is gone; repeating them here
 * could repeat side effects). Every api process watches; each move is a conditional update, so
 * two watchers never both act on a run.
 */
public final class LinkWatcher {
  private static final Logger log = LoggerFactory.getLogger(LinkWatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String LINK_LOST = "link_lost";
  static final int BATCH = 10_000;

  private final Presence presence;
  private final LinkRunStore linked;
  private final RunStore runs;
  private final RunQueue queue;
  private final RunEnds ends;
  private final EventPublisher events;

  LinkWatcher(Presence presence, LinkRunStore linked, RunStore runs, RunQueue queue, RunEnds ends, EventPublisher events) {
    this.presence = presence;
    this.linked = linked;
    this.runs = runs;
    this.queue = queue;
    this.ends = ends;
    this.events = events;
  }

  public void watch() {
    Map<UUID, Boolean> live = new HashMap<>();
    for (var run : linked.unfinished(BATCH)) {
      if (live.computeIfAbsent(run.user(), user -> presence.live(user).isPresent())) {
        continue;
      }
      if (run.started()) {
        interrupt(run.id(), run.threadId(), LINK_LOST);
      } else if (linked.toHosted(run.id())) {
        queue.enqueue(new QueuedRun(run.id(), run.threadId(), run.lane()));
        log.info("run {} goes to the hosted workers: its user's link went away before it started", run.id());
      }
    }
  }

  /** Ends a started linked run whose link is gone. */
  void interrupt(UUID run, UUID thread, String reason) {
    if (!runs.interrupt(run, reason)) {
      return; // it ended meanwhile
    }
    ends.publish(run, thread, Run.State.interrupted, null, reason);
    var status = JSON.createObjectNode().put("runId", run.toString()).put("status", "interrupted").put("reason", reason);
    events.publish(thread, EventTypes.CONV_STATUS, status, run + ":link-lost-status");
    log.info("run {} interrupted: {}", run, reason);
  }
}
