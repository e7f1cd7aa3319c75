package dev.studio.runtime.dispatch;

import java.util.Arrays;
import java.util.Optional;

/**
 * The queues runs wait in, one per tier of caller (KDCube's user-type lanes). A token's tier picks
 * the lane; workers rotate over the lanes they listen on, fairly.
 */
public enum Lane {
  privileged,
  paid,
  registered,
  anonymous;

  public static Optional<Lane> named(String name) {
    return Arrays.stream(values()).filter(l -> l.name().equals(name)).findFirst();
  }
}
