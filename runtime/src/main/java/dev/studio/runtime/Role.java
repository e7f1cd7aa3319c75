package dev.studio.runtime;

/**
 * What a runtime process does (STUDIO_ROLE). One image serves all three: the api answers HTTP
 * and enqueues runs, the worker executes them, and {@code all} does both in one process.
 */
public enum Role {
  api,
  worker,
  all;

  public boolean servesApi() {
    return this == api || this == all;
  }

  public boolean runsWork() {
    return this == worker || this == all;
  }
}
