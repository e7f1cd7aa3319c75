package dev.studio.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** How writes are grouped: nobody waits for a group to fill, and late arrivals share the next write. */
class GroupCommitTest {
  final List<List<UUID>> writes = Collections.synchronizedList(new ArrayList<>());
  final CountDownLatch firstWriting = new CountDownLatch(1);
  final CountDownLatch releaseFirst = new CountDownLatch(1);
  final UUID bad = UUID.randomUUID();

  /** Records every write; holds the first open until released; fails any group holding {@link #bad}. */
  final GroupCommit<UUID> group = new GroupCommit<>(64, items -> {
    writes.add(items);
    if (writes.size() == 1) {
      firstWriting.countDown();
      try {
        releaseFirst.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    if (items.contains(bad)) {
      throw new IllegalArgumentException("bad item");
    }
    return Set.copyOf(items);
  }, id -> id);

  @Test
  void aWriteAloneGoesAtOnceAndThoseArrivingDuringItShareTheNext() throws Exception {
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      var first = executor.submit(() -> group.submit(UUID.randomUUID()));
      var later = queueBehindTheFirst(executor, fresh(10));
      releaseFirst.countDown();
      assertThat(first.get()).isTrue();
      for (var result : later) {
        assertThat(result.get()).isTrue();
      }
    }
    assertThat(writes).extracting(List::size).containsExactly(1, 10);
  }

  @Test
  void whenAGroupFailsEachItemIsWrittenAloneAndOnlyTheBadOneFails() throws Exception {
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      var first = executor.submit(() -> group.submit(UUID.randomUUID()));
      var items = new ArrayList<>(fresh(3));
      items.add(bad);
      var later = queueBehindTheFirst(executor, items);
      releaseFirst.countDown();
      assertThat(first.get()).isTrue();
      for (var result : later.subList(0, 3)) {
        assertThat(result.get()).isTrue();
      }
      assertThatThrownBy(later.get(3)::get).hasMessageContaining("bad item");
    }
    // The first alone; then the group of four, which failed; then each of the four alone.
    assertThat(writes).extracting(List::size).containsExactly(1, 4, 1, 1, 1, 1);
  }

  /** Once the first write is under way, submits the items; returns when all wait in the queue behind it. */
  private List<Future<Boolean>> queueBehindTheFirst(ExecutorService executor, List<UUID> items) throws InterruptedException {
    firstWriting.await();
    List<Future<Boolean>> futures = new ArrayList<>();
    for (UUID item : items) {
      futures.add(executor.submit(() -> group.submit(item)));
    }
    await().until(() -> group.queued() == items.size());
    return futures;
  }

  private static List<UUID> fresh(int count) {
    return Stream.generate(UUID::randomUUID).limit(count).toList();
  }
}
