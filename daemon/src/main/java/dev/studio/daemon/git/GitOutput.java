package dev.studio.daemon.git;

/** What one git command printed and how it exited. */
record GitOutput(int exitCode, String stdout, String stderr, boolean truncated) {
  boolean ok() {
    return exitCode == 0;
  }
}
