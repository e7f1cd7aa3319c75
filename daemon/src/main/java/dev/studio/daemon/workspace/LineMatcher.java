package dev.studio.daemon.workspace;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the lines of one text that match a pattern, grep-style (a match never spans lines), without cutting the
 * text into lines: the pattern runs over the whole text and only candidate lines are looked at again.
 * A plain-literal pattern skips the regex engine and uses {@link String#indexOf}, which the JVM vectorises; a
 * regex with a {@link RequiredLiteral} looks for that first and runs only on the lines that contain it.
 */
final class LineMatcher {
  private static final int MAX_TEXT_CHARS = 500;

  private final Pattern pattern;
  private final String literal;
  private final String prefilter;

  LineMatcher(Pattern pattern) {
    this.pattern = pattern;
    this.literal = isLiteral(pattern.pattern()) ? pattern.pattern() : null;
    this.prefilter = literal == null ? RequiredLiteral.of(pattern.pattern()).orElse(null) : null;
  }

  /**
   * Adds the matching lines of {@code text} to {@code out}, at most {@code limit} of them.
   *
   * @return how many were added
   */
  int collect(String path, String text, int limit, List<GrepMatch> out) {
    if (literal != null) {
      return collectLiteral(path, text, limit, out);
    }
    return prefilter != null ? collectPrefiltered(path, text, limit, out) : collectRegex(path, text, limit, out);
  }

  private int collectPrefiltered(String path, String text, int limit, List<GrepMatch> out) {
    LineCounter lines = new LineCounter(text);
    Matcher matcher = null;
    int found = 0;
    int from = 0;
    int at;
    while (found < limit && (at = text.indexOf(prefilter, from)) >= 0) {
      int lineStart = text.lastIndexOf('\n', at) + 1;
      int lineEnd = lineEnd(text, at);
      if (matcher == null) {
        matcher = pattern.matcher(text);
      }
      matcher.region(lineStart, lineEnd);
      if (matcher.find()) {
        out.add(match(path, text, lines.lineOf(lineStart), lineStart, lineEnd));
        found++;
      }
      from = lineEnd + 1;
      if (from > text.length()) {
        break;
      }
    }
    return found;
  }

  private int collectLiteral(String path, String text, int limit, List<GrepMatch> out) {
    LineCounter lines = new LineCounter(text);
    int found = 0;
    int from = 0;
    int at;
    while (found < limit && (at = text.indexOf(literal, from)) >= 0) {
      int lineStart = text.lastIndexOf('\n', at) + 1;
      int lineEnd = lineEnd(text, at);
      if (at + literal.length() <= lineEnd) {
        out.add(match(path, text, lines.lineOf(lineStart), lineStart, lineEnd));
        found++;
        from = lineEnd + 1;
      } else {
        from = at + 1;
      }
      if (from > text.length()) {
        break;
      }
    }
    return found;
  }

  private int collectRegex(String path, String text, int limit, List<GrepMatch> out) {
    LineCounter lines = new LineCounter(text);
    Matcher matcher = pattern.matcher(text);
    int found = 0;
    int from = 0;
    while (found < limit && from < text.length() && matcher.find(from)) {
      int start = matcher.start();
      int lineStart = text.lastIndexOf('\n', start - 1) + 1;
      int lineEnd = lineEnd(text, start);
      boolean withinLine = matcher.end() <= lineEnd;
      if (!withinLine) {
        // The leftmost match ran past the end of its line: look for one inside the line only.
        matcher.region(lineStart, lineEnd);
        withinLine = matcher.find();
      }
      // After a final newline there is no further line (grep does not count one either).
      if (withinLine && lineStart < text.length()) {
        out.add(match(path, text, lines.lineOf(lineStart), lineStart, lineEnd));
        found++;
      }
      from = lineEnd + 1;
    }
    return found;
  }

  private static int lineEnd(String text, int at) {
    int newline = text.indexOf('\n', at);
    return newline < 0 ? text.length() : newline;
  }

  private static GrepMatch match(String path, String text, int lineNumber, int start, int end) {
    int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
    if (stop - start > MAX_TEXT_CHARS) {
      stop = start + MAX_TEXT_CHARS;
    }
    return new GrepMatch(path, lineNumber, text.substring(start, stop));
  }

  /** A pattern with no regex syntax at all matches exactly itself. */
  static boolean isLiteral(String pattern) {
    if (pattern.isEmpty()) {
      return false;
    }
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if ("\\^$.|?*+()[]{}\n".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** Counts newlines forward only, from the last line asked about, so a file's lines are counted once. */
  private static final class LineCounter {
    private final String text;
    private int position;
    private int line = 1;

    LineCounter(String text) {
      this.text = text;
    }

    int lineOf(int lineStart) {
      int at;
      while ((at = text.indexOf('\n', position)) >= 0 && at < lineStart) {
        line++;
        position = at + 1;
      }
      return line;
    }
  }
}
