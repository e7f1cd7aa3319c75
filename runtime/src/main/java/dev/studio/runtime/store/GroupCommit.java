package dev.studio.runtime.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Writes that arrive together are written together: one write (a transaction) for a group.
 * Nobody waits for a group to fill. Each caller queues its item and takes the lock; whoever holds
 * it writes everything queued so far, so a caller alone writes at once, and callers that arrive
 * while a group is being written go in the next one. A caller whose item an earlier holder wrote
 * just takes its answer.
 *
 * <p>If a group's write fails, each of its items is written alone, so one bad item fails only
 * its own caller.
 *
 * @param <T> an item; {@code key} names it in the set of items the write applied to
 */
final class GroupCommit<T> {
  private record Pending<T>(T item, CompletableFuture<Boolean> done) {}

  private final int maxGroup;
  private final Function<List<T>, Set<UUID>> write;
  private final Function<T, UUID> key;
  private final ConcurrentLinkedQueue<Pending<T>> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock writing = new ReentrantLock();

  /**
   * @param write writes a group in one statement; returns the keys of the items it applied to
   *     (an item it did not apply to is answered false)
   */
  GroupCommit(int maxGroup, Function<List<T>, Set<UUID>> write, Function<T, UUID> key) {
    this.maxGroup = maxGroup;
    this.write = write;
    this.key = key;
  }

  /** Writes the item (with whatever else is queued); true if the write applied to it. */
  boolean submit(T item) {
    var pending = new Pending<>(item, new CompletableFuture<Boolean>());
    queue.add(pending);
    writing.lock();
    try {
      while (!pending.done().isDone()) {
        writeGroup();
      }
    } finally {
      writing.unlock();
    }
    try {
      return pending.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    }
  }

  /** Items waiting for a write. */
  int queued() {
    return queue.size();
  }

  private void writeGroup() {
    List<Pending<T>> group = new ArrayList<>();
    for (Pending<T> next; group.size() < maxGroup && (next = queue.poll()) != null; ) {
      group.add(next);
    }
    if (group.isEmpty()) {
      return;
    }
    try {
      Set<UUID> applied = write.apply(group.stream().map(Pending::item).toList());
      group.forEach(p -> p.done().complete(applied.contains(key.apply(p.item()))));
    } catch (RuntimeException groupFailed) {
      for (Pending<T> alone : group) {
        try {
          alone.done().complete(write.apply(List.of(alone.item())).contains(key.apply(alone.item())));
        } catch (RuntimeException e) {
          alone.done().completeExceptionally(e);
        }
      }
    } finally {
      // Nobody waits forever for an item taken off the queue (an Error on the way).
      var notWritten = new IllegalStateException("not written");
      group.forEach(p -> p.done().completeExceptionally(notWritten));
    }
  }
}
