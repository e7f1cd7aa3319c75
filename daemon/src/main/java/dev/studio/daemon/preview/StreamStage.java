package dev.studio.daemon.preview;

/** One step of rewriting a response body as it streams: takes bytes in pieces, then is told the body ended. */
interface StreamStage {
  void write(byte[] bytes, int offset, int length);

  /** The body ended: emit whatever is still held back. */
  void finish();
}
