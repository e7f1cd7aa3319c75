package dev.studio.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** How writes are grouped: nobody waits for a group to fill, and late arrivals share the next write. */
class GroupCommitTest {
  final List<List<UUID>> writes = Collections.synchronizedList(new ArrayList<>());

  @Test
  void aWriteAloneGoesAtOnceAndThoseArrivingDuringItShareTheNext() throws Exception {
    var firstWriting = new CountDownLatch(1);
    var releaseFirst = new CountDownLatch(1);
    var group = new GroupCommit<UUID>(64, items -> {
      writes.add(items);
      if (writes.size() == 1) {
        firstWriting.countDown();
        awaitQuietly(releaseFirst);
      }
      return new HashSet<>(items);
    }, id -> id);

    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      var first = executor.submit(() -> group.submit(UUID.randomUUID()));
      firstWriting.await();
      List<Future<Boolean>> later = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        later.add(executor.submit(() -> group.submit(UUID.randomUUID())));
      }
      await().until(() -> group.queued() == 10);
      releaseFirst.countDown();
      assertThat(first.get()).isTrue();
      for (var result : later) {
        assertThat(result.get()).isTrue();
      }
    }
    assertThat(writes).hasSize(2);
    assertThat(writes.get(0)).hasSize(1);
    assertThat(writes.get(1)).hasSize(10);
  }

  @Test
  void whenAGroupFailsEachItemIsWrittenAloneAndOnlyTheBadOneFails() throws Exception {
    UUID bad = UUID.randomUUID();
    var firstWriting = new CountDownLatch(1);
    var releaseFirst = new CountDownLatch(1);
    var group = new GroupCommit<UUID>(64, items -> {
      writes.add(items);
      if (writes.size() == 1) {
        firstWriting.countDown();
        awaitQuietly(releaseFirst);
      }
      if (items.contains(bad)) {
        throw new IllegalArgumentException("bad item");
      }
      return Set.copyOf(items);
    }, id -> id);

    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      var first = executor.submit(() -> group.submit(UUID.randomUUID()));
      firstWriting.await();
      List<Future<Boolean>> good = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        good.add(executor.submit(() -> group.submit(UUID.randomUUID())));
      }
      var failing = executor.submit(() -> group.submit(bad));
      await().until(() -> group.queued() == 4);
      releaseFirst.countDown();
      assertThat(first.get()).isTrue();
      for (var result : good) {
        assertThat(result.get()).isTrue();
      }
      assertThatThrownBy(failing::get).hasMessageContaining("bad item");
    }
    // The first alone; then the group of four, which failed; then each of the four alone.
    assertThat(writes).extracting(List::size).containsExactly(1, 4, 1, 1, 1, 1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
