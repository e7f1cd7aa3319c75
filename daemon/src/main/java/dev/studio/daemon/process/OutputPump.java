package dev.studio.daemon.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/** Reads a process's output on a virtual thread and hands it on line by line. */
public final class OutputPump {
  private static final int MAX_LINE = 8 * 1024;

  private OutputPump() {
  }

  /** Starts pumping; the returned thread ends when the stream does. */
  public static Thread start(String name, InputStream in, Consumer<String> lines) {
    return Thread.ofVirtual().name(name).start(() -> pump(in, lines));
  }

  static void pump(InputStream in, Consumer<String> lines) {
    LineSplitter splitter = new LineSplitter(MAX_LINE, lines);
    byte[] buffer = new byte[8 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        splitter.feed(buffer, 0, n);
        if (in.available() == 0) {
          // Nothing more is ready: show a pending prompt or progress line now rather than at the next newline.
          splitter.flush();
        }
      }
    } catch (IOException e) {
      // The process was killed and its pipe closed: deliver what we have.
    }
    splitter.flush();
  }
}
