package dev.studio.runtime.jobs;

import dev.studio.runtime.dispatch.WorkSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The job stream as a worker's source of work: handlers by kind, ack on success, bury after repeated failure. */
public final class JobSource implements WorkSource {
  private static final Logger log = LoggerFactory.getLogger(JobSource.class);
  static final int MAX_DELIVERIES = 5;

  private final JobStream jobs;
  private final String consumer;
  private final Duration reclaimAfter;
  private long nextReclaim;
  private final Map<String, JobHandler> handlers;
  private final Counter done;
  private final Counter failed;

  public JobSource(JobStream jobs, String consumer, Duration reclaimAfter, Collection<JobHandler> handlers, MeterRegistry metrics) {
    this.jobs = jobs;
    this.consumer = consumer;
    this.reclaimAfter = reclaimAfter;
    this.nextReclaim = System.nanoTime();
    this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(JobHandler::kind, Function.identity()));
    this.done = Counter.builder("studio.jobs.done").register(metrics);
    this.failed = Counter.builder("studio.jobs.failed").register(metrics);
  }

  @Override
  public String name() {
    return "jobs";
  }

  @Override
  public List<String> wakeKeys() {
    return List.of(jobs.wakeKey());
  }

  @Override
  public Optional<Runnable> claim() {
    var job = jobs.fresh(consumer);
    long now = System.nanoTime();
    // Looking for abandoned jobs costs a round trip; between runs it is done now and then, not on
    // every claim, since a job is only abandoned after reclaimAfter anyway.
    if (job.isEmpty() && now >= nextReclaim) {
      nextReclaim = now + Math.min(TimeUnit.SECONDS.toNanos(1), reclaimAfter.toNanos() / 2);
      job = jobs.reclaim(consumer, reclaimAfter);
    }
    return job.map(j -> () -> handle(j));
  }

  private void handle(Job job) {
    var handler = handlers.get(job.kind());
    if (handler == null) {
      jobs.bury(job, "no handler for kind " + job.kind());
      return;
    }
    try {
      handler.handle(job);
      jobs.ack(job);
      done.increment();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failed.increment();
      if (job.deliveries() >= MAX_DELIVERIES) {
        log.warn("job {} ({}) failed {} times; moved to the dead-letter stream: {}", job.id(), job.kind(), job.deliveries(), e.getMessage());
        jobs.bury(job, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      } else {
        log.info("job {} ({}) failed, it will be delivered again: {}", job.id(), job.kind(), e.getMessage());
      }
    }
  }
}
