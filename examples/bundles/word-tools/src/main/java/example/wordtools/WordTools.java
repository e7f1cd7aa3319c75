package example.wordtools;

import dev.studio.bundle.spi.BundleContext;
import dev.studio.bundle.spi.JobHandler;
import dev.studio.bundle.spi.Operation;
import dev.studio.bundle.spi.OperationException;
import dev.studio.bundle.spi.StudioBundle;
import dev.studio.bundle.spi.TurnHandler;
import java.util.Map;
import java.util.Optional;

/**
 * Counts words. Chat turns are answered word by word (each word streamed as it is written);
 * {@code count} and {@code greet} are operations; {@code tally} jobs count the words of their
 * payload.
 */
public final class WordTools implements StudioBundle {
  private BundleContext context;

  @Override
  public void start(BundleContext context) {
    this.context = context;
    context.logger().log(System.Logger.Level.INFO, "word-tools " + context.revision() + " started");
  }

  @Override
  public Optional<TurnHandler> turns() {
    return Optional.of((turn, output) -> {
      int words = Words.count(turn.text());
      String answer = "[" + context.revision().substring(0, Math.min(7, context.revision().length())) + "] "
          + "your message has " + words + (words == 1 ? " word" : " words");
      for (String piece : answer.split("(?<= )")) {
        if (output.stopRequested()) {
          break;
        }
        output.delta(piece);
        pause();
      }
      return answer;
    });
  }

  @Override
  public Map<String, Operation> operations() {
    return Map.of(
        "count", call -> {
          Object text = call.input().get("text");
          if (!(text instanceof String s)) {
            throw new OperationException(400, "text is required");
          }
          return Map.of("words", Words.count(s), "characters", s.length());
        },
        "greet", call -> {
          Object greeting = call.userProps().getOrDefault("greeting", context.props().getOrDefault("greeting", "Hello"));
          return Map.of("text", greeting + ", " + call.input().getOrDefault("name", "world") + "!");
        });
  }

  @Override
  public Optional<JobHandler> jobs() {
    return Optional.of(job -> switch (job.workKind()) {
      case "tally" -> Map.of("words", Words.count(String.valueOf(job.payload().getOrDefault("text", ""))));
      default -> throw new IllegalArgumentException("word-tools has no job " + job.workKind());
    });
  }

  /** A turn may be asked to go slowly (prop {@code delayMillis}), to show a reload mid-turn. */
  private void pause() throws InterruptedException {
    Object delay = context.props().get("delayMillis");
    if (delay instanceof Number n && n.longValue() > 0) {
      Thread.sleep(n.longValue());
    }
  }
}
