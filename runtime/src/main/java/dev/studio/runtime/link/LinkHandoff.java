package dev.studio.runtime.link;

import dev.studio.runtime.dispatch.RunSubmitter;
import dev.studio.runtime.store.Run;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a user's new run to their link while the link is live: recorded as linked in PostgreSQL
 * first (so the sweeper leaves it to the link watcher), then offered on {@code link.work.<user>}.
 * Everyone else, and runs a bundle serves (bundles run on the platform's workers), stay hosted.
 */
final class LinkHandoff implements RunSubmitter.Handoff {
  private static final Logger log = LoggerFactory.getLogger(LinkHandoff.class);

  private final Presence presence;
  private final LinkWork work;
  private final LinkRunStore runs;

  LinkHandoff(Presence presence, LinkWork work, LinkRunStore runs) {
    this.presence = presence;
    this.work = work;
    this.runs = runs;
  }

  @Override
  public boolean take(Run run, UUID user) {
    if (run.bundle() != null) {
      return false;
    }
    try {
      if (presence.live(user).isEmpty() || !runs.toLink(run.id(), user)) {
        return false;
      }
    } catch (RuntimeException e) {
      log.warn("run {} stays hosted: cannot read link presence ({})", run.id(), e.getMessage());
      return false;
    }
    if (work.offer(user, run.id())) {
      return true;
    }
    // The user's queue is full (or NATS refused): the run is not lost, it runs hosted.
    log.warn("run {} stays hosted: its user's link queue did not take it", run.id());
    return !runs.toHosted(run.id());
  }
}
