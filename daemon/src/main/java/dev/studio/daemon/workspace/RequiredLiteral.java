package dev.studio.daemon.workspace;

import java.util.Optional;

/**
 * The longest run of plain characters that every match of a regular expression must contain, if one can be told
 * safely from the pattern's text. Searching for that run with {@link String#indexOf} first, and running the regex
 * only on the lines that contain it, is how grep-like tools stay fast on patterns such as {@code fix[A-Z]\w+Later}.
 *
 * <p>Conservative by design: a pattern with alternation, inline flags or constructs this reader does not know
 * yields nothing, and the regex then runs over the whole text.
 */
final class RequiredLiteral {
  /** Shorter runs find too many candidates to pay for themselves. */
  private static final int MIN_LENGTH = 3;

  private RequiredLiteral() {
  }

  static Optional<String> of(String regex) {
    String best = "";
    StringBuilder run = new StringBuilder();
    int i = 0;
    int length = regex.length();
    while (i < length) {
      char c = regex.charAt(i);
      String literal = null;
      int next = i + 1;
      switch (c) {
        case '|' -> {
          return Optional.empty(); // either side may match: no single run is required
        }
        case '(' -> {
          if (i + 1 < length && regex.charAt(i + 1) == '?') {
            return Optional.empty(); // inline flags and lookarounds change what a run means
          }
          next = skipGroup(regex, i);
          if (next < 0) {
            return Optional.empty();
          }
        }
        case '[' -> {
          next = skipClass(regex, i);
          if (next < 0) {
            return Optional.empty();
          }
        }
        case '\\' -> {
          if (i + 1 >= length) {
            return Optional.empty();
          }
          char escaped = regex.charAt(i + 1);
          next = i + 2;
          if (escaped == 'Q' || escaped == 'p' || escaped == 'P' || escaped == 'x' || escaped == 'u'
              || escaped == 'c' || escaped == 'N' || escaped == 'k' || escaped == '0') {
            return Optional.empty();
          }
          if (!Character.isLetterOrDigit(escaped)) {
            literal = String.valueOf(escaped);
          }
        }
        case '.', '^', '$' -> {
          // matches something unknown (or nothing): ends the run
        }
        case '*', '+', '?', '{', '}', ')', ']' -> {
          return Optional.empty(); // a quantifier without an atom before it: leave it to the regex engine
        }
        default -> literal = String.valueOf(c);
      }
      Quantifier quantifier = Quantifier.at(regex, next);
      if (quantifier == null) {
        return Optional.empty();
      }
      if (literal != null && quantifier.minimum >= 1) {
        run.append(literal);
      }
      if (literal == null || quantifier.minimum == 0 || quantifier.repeats) {
        best = longer(best, run);
        run.setLength(0);
        if (literal != null && quantifier.minimum >= 1) {
          // After "b+" the last b still sits right before what follows: "ab+cd" requires "bcd".
          run.append(literal);
        }
      }
      i = quantifier.end;
    }
    best = longer(best, run);
    return best.length() >= MIN_LENGTH ? Optional.of(best) : Optional.empty();
  }

  private static String longer(String best, StringBuilder run) {
    return run.length() > best.length() ? run.toString() : best;
  }

  /** Index just past the group opened at {@code open}, or -1 if it is unbalanced. */
  private static int skipGroup(String regex, int open) {
    int depth = 0;
    for (int i = open; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        i = skipClass(regex, i) - 1;
        if (i < 0) {
          return -1;
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** Index just past the character class opened at {@code open}, or -1. */
  private static int skipClass(String regex, int open) {
    int i = open + 1;
    if (i < regex.length() && regex.charAt(i) == '^') {
      i++;
    }
    if (i < regex.length() && regex.charAt(i) == ']') {
      i++;
    }
    for (; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        return -1; // nested classes and intersections: not worth reading
      } else if (c == ']') {
        return i + 1;
      }
    }
    return -1;
  }

  /** The quantifier (if any) after an atom: how often the atom must occur, and whether it may repeat. */
  private record Quantifier(int minimum, boolean repeats, int end) {
    static Quantifier at(String regex, int i) {
      if (i >= regex.length()) {
        return new Quantifier(1, false, i);
      }
      Quantifier quantifier = switch (regex.charAt(i)) {
        case '?' -> new Quantifier(0, false, i + 1);
        case '*' -> new Quantifier(0, true, i + 1);
        case '+' -> new Quantifier(1, true, i + 1);
        case '{' -> braces(regex, i);
        default -> new Quantifier(1, false, i);
      };
      if (quantifier == null) {
        return null;
      }
      // Lazy and possessive forms ("+?", "*+") need the same atoms.
      int end = quantifier.end;
      if (end > i && end < regex.length() && (regex.charAt(end) == '?' || regex.charAt(end) == '+')) {
        end++;
      }
      return new Quantifier(quantifier.minimum, quantifier.repeats, end);
    }

    private static Quantifier braces(String regex, int open) {
      int close = regex.indexOf('}', open);
      if (close < 0) {
        return null;
      }
      String[] bounds = regex.substring(open + 1, close).split(",", -1);
      try {
        int minimum = Integer.parseInt(bounds[0].trim());
        boolean repeats = bounds.length > 1 || minimum > 1;
        return new Quantifier(minimum, repeats, close + 1);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
