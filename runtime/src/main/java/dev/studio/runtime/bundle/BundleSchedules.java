package dev.studio.runtime.bundle;

import dev.studio.runtime.jobs.JobStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires bundles' cron schedules. Every worker ticks every minute, and every one may see a schedule
 * due; the job's dedupe key, {@code cron:{bundle}:{schedule}:{minute}}, lets exactly one of them
 * enqueue it (Redis SET NX). A tick that came late (a pause) catches up on the minutes it missed,
 * a few at most. A bundle whose schedules are switched off fires nothing from the next tick on.
 */
public final class BundleSchedules {
  private static final Logger log = LoggerFactory.getLogger(BundleSchedules.class);
  static final int MAX_CATCH_UP_MINUTES = 5;

  private final BundleRegistry registry;
  private final JobStream jobs;
  private final Clock clock;
  private final Map<String, Cron> parsed = new ConcurrentHashMap<>();
  private Instant lastTicked;

  public BundleSchedules(BundleRegistry registry, JobStream jobs, Clock clock) {
    this.registry = registry;
    this.jobs = jobs;
    this.clock = clock;
    this.lastTicked = clock.instant().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
  }

  /** Called every few seconds: fires what is due in the minutes since the last tick; returns how many jobs this worker enqueued. */
  public synchronized int tick() {
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    Instant from = lastTicked.plus(Duration.ofMinutes(1));
    if (from.isBefore(minute.minus(Duration.ofMinutes(MAX_CATCH_UP_MINUTES - 1)))) {
      from = minute.minus(Duration.ofMinutes(MAX_CATCH_UP_MINUTES - 1));
    }
    int fired = 0;
    for (Instant m = from; !m.isAfter(minute); m = m.plus(Duration.ofMinutes(1))) {
      fired += fire(m);
    }
    lastTicked = minute;
    return fired;
  }

  /** Enqueues the jobs due at {@code minute} that no other worker enqueued yet; returns how many. */
  public int fire(Instant minute) {
    int fired = 0;
    long epochMinute = minute.getEpochSecond() / 60;
    for (BundleRecord bundle : registry.all()) {
      if (!bundle.enabled().schedules()) {
        continue;
      }
      for (BundleRecord.Schedule schedule : bundle.schedules()) {
        Cron cron;
        try {
          cron = parsed.computeIfAbsent(schedule.cron(), Cron::parse);
        } catch (IllegalArgumentException e) {
          log.warn("bundle {} schedule {}: {}", bundle.name(), schedule.name(), e.getMessage());
          continue;
        }
        if (cron.matches(minute)) {
          String key = "cron:" + bundle.name() + ":" + schedule.name() + ":" + epochMinute;
          if (BundleJobs.submit(jobs, bundle.name(), schedule.workKind(), null, schedule.name(), schedule.payload(), key).isPresent()) {
            fired++;
          }
        }
      }
    }
    return fired;
  }
}
