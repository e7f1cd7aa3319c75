package dev.studio.daemon.workspace;

import java.util.regex.Pattern;

/**
 * A glob over workspace-relative paths ('/' separated): {@code *} and {@code ?} stay within one path component,
 * {@code **} crosses components ({@code **}{@code /} also matches no directory at all), {@code [abc]},
 * {@code [!abc]} and {@code {a,b}} as in shells; a backslash quotes the next character.
 */
public final class GlobPattern {
  private final String glob;
  private final Pattern regex;
  private final boolean matchesNameOnly;

  private GlobPattern(String glob, boolean matchesNameOnly) {
    this.glob = glob;
    this.regex = Pattern.compile(toRegex(glob));
    this.matchesNameOnly = matchesNameOnly;
  }

  /** A glob matched against the whole relative path: {@code *.json} finds only top-level files. */
  public static GlobPattern ofPath(String glob) {
    return new GlobPattern(strip(glob), false);
  }

  /**
   * A file filter as in {@code grep --include} or ripgrep's {@code --glob}: a glob without '/' is matched against
   * the file name at any depth, one with '/' against the whole relative path.
   */
  public static GlobPattern ofFilter(String glob) {
    String stripped = strip(glob);
    return new GlobPattern(stripped, stripped.indexOf('/') < 0);
  }

  public boolean matches(String relativePath) {
    String subject = relativePath;
    if (matchesNameOnly) {
      subject = relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }
    return regex.matcher(subject).matches();
  }

  /** The leading components without wildcards: where a walk for this glob can start ("" for the root). */
  public String literalPrefix() {
    if (matchesNameOnly) {
      return "";
    }
    String[] components = glob.split("/");
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < components.length - 1; i++) {
      if (hasWildcard(components[i])) {
        break;
      }
      if (!prefix.isEmpty()) {
        prefix.append('/');
      }
      prefix.append(components[i]);
    }
    return prefix.toString();
  }

  @Override
  public String toString() {
    return glob;
  }

  private static String strip(String glob) {
    String stripped = glob;
    while (stripped.startsWith("./")) {
      stripped = stripped.substring(2);
    }
    return stripped;
  }

  private static boolean hasWildcard(String component) {
    for (char c : component.toCharArray()) {
      if ("*?[]{}\\".indexOf(c) >= 0) {
        return true;
      }
    }
    return false;
  }

  static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder(glob.length() * 2);
    int braces = 0;
    int length = glob.length();
    for (int i = 0; i < length; i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          boolean doubleStar = i + 1 < length && glob.charAt(i + 1) == '*';
          if (!doubleStar) {
            regex.append("[^/]*");
            break;
          }
          boolean atComponentStart = i == 0 || glob.charAt(i - 1) == '/';
          i++;
          if (atComponentStart && i + 1 < length && glob.charAt(i + 1) == '/') {
            regex.append("(?:.*/)?");
            i++;
          } else if (atComponentStart && i + 1 == length && i >= 2) {
            // "dir/**": the directory's contents at any depth.
            regex.setLength(regex.length() - 1);
            regex.append("(?:/.*)?");
          } else {
            regex.append(".*");
          }
        }
        case '?' -> regex.append("[^/]");
        case '[' -> i = appendClass(glob, i, regex);
        case '{' -> {
          braces++;
          regex.append("(?:");
        }
        case '}' -> {
          if (braces > 0) {
            braces--;
            regex.append(')');
          } else {
            regex.append("\\}");
          }
        }
        case ',' -> regex.append(braces > 0 ? "|" : ",");
        case '\\' -> {
          if (i + 1 < length) {
            regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          } else {
            regex.append("\\\\");
          }
        }
        default -> {
          if ("().+^$|".indexOf(c) >= 0) {
            regex.append('\\');
          }
          regex.append(c);
        }
      }
    }
    while (braces-- > 0) {
      regex.append(')');
    }
    return regex.toString();
  }

  /** Copies a bracket expression; an unclosed '[' is taken literally. Returns the index of its last character. */
  private static int appendClass(String glob, int open, StringBuilder regex) {
    int close = glob.indexOf(']', open + 2);
    if (close < 0) {
      regex.append("\\[");
      return open;
    }
    regex.append('[');
    int i = open + 1;
    if (glob.charAt(i) == '!' || glob.charAt(i) == '^') {
      regex.append('^');
      i++;
    }
    for (; i < close; i++) {
      char c = glob.charAt(i);
      if (c == '\\' || c == '[' || c == '&' || c == '~' || c == '^') {
        regex.append('\\');
      }
      regex.append(c);
    }
    regex.append(']');
    return close;
  }
}
