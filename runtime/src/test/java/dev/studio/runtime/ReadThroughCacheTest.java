package dev.studio.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadThroughCacheTest {
  final AtomicInteger reads = new AtomicInteger();

  String read(String key) {
    return key + "#" + reads.incrementAndGet();
  }

  @Test
  void anAnswerServesUntilItsTtlOrAnInvalidation() throws Exception {
    var cache = new ReadThroughCache<String, String>(Duration.ofMillis(200), 100);
    assertThat(cache.get("a", this::read)).isEqualTo("a#1");
    assertThat(cache.get("a", this::read)).isEqualTo("a#1");
    cache.invalidate("a");
    assertThat(cache.get("a", this::read)).isEqualTo("a#2");
    Thread.sleep(250);
    assertThat(cache.get("a", this::read)).isEqualTo("a#3");
  }

  @Test
  void anAnswerReadWhileAnInvalidationHappenedServesOnlyItsOwnCaller() {
    var cache = new ReadThroughCache<String, String>(Duration.ofMinutes(1), 100);
    String during = cache.get("a", key -> {
      cache.invalidateAll(); // the change lands while the old answer is being read
      return read(key);
    });
    assertThat(during).isEqualTo("a#1");
    assertThat(cache.get("a", this::read)).isEqualTo("a#2");
  }

  @Test
  void itNeverHoldsMoreThanItsBound() {
    var cache = new ReadThroughCache<Integer, String>(Duration.ofMinutes(1), 1000);
    for (int i = 0; i < 5000; i++) {
      cache.get(i, key -> "v" + key);
      assertThat(cache.size()).isLessThanOrEqualTo(1000);
    }
  }
}
