package dev.studio.runtime;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A small cache in front of a read that every request would otherwise repeat (a token's owner, an
 * org's connections). Answers live for a TTL; an invalidation drops them at once, and also keeps
 * out of the cache an answer that was being read while it happened (it may predate the change).
 * Bounded: past {@code maxEntries} the expired answers go, and if that is not enough, all of them,
 * so keys a client makes up (random tokens) cannot grow it without end.
 */
public final class ReadThroughCache<K, V> {
  private record Entry<V>(V value, long until) {}

  private final Duration ttl;
  private final int maxEntries;
  private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final AtomicLong invalidations = new AtomicLong();

  public ReadThroughCache(Duration ttl, int maxEntries) {
    this.ttl = ttl;
    this.maxEntries = maxEntries;
  }

  /** The cached answer for {@code key}, or {@code read}'s, which is cached. */
  public V get(K key, Function<? super K, ? extends V> read) {
    long now = System.nanoTime();
    Entry<V> cached = entries.get(key);
    if (cached != null && cached.until() - now > 0) {
      return cached.value();
    }
    long invalidationsBefore = invalidations.get();
    V value = read.apply(key);
    var entry = new Entry<V>(value, now + ttl.toNanos());
    if (entries.size() >= maxEntries) {
      entries.values().removeIf(e -> e.until() - now <= 0);
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
    }
    entries.put(key, entry);
    // Put first, then look: an invalidation either saw this entry and dropped it, or counted
    // before this look and the entry goes now.
    if (invalidations.get() != invalidationsBefore) {
      entries.remove(key, entry);
    }
    return value;
  }

  /** Caches an answer got another way (a refreshed credential). */
  public void put(K key, V value) {
    entries.put(key, new Entry<>(value, System.nanoTime() + ttl.toNanos()));
  }

  /** Drops the answer for {@code key}, and any answer being read now. */
  public void invalidate(K key) {
    invalidations.incrementAndGet();
    entries.remove(key);
  }

  /** Drops the answers {@code stale} picks, and any answer being read now. */
  public void invalidateIf(Predicate<? super V> stale) {
    invalidations.incrementAndGet();
    entries.values().removeIf(e -> stale.test(e.value()));
  }

  /** Drops every answer, and any answer being read now. */
  public void invalidateAll() {
    invalidations.incrementAndGet();
    entries.clear();
  }

  /** Answers held now. */
  public int size() {
    return entries.size();
  }
}
