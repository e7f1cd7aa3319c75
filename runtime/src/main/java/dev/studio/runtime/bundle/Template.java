package dev.studio.runtime.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template of a declarative bundle: text with {@code {{scope.field}}} placeholders, where
 * scope is {@code props} (the Bundle's), {@code user} (the organisation's), {@code input} (an
 * operation's) or {@code payload} (a job's). A placeholder may go deeper ({@code {{props.team.name}}}).
 */
public final class Template {
  static final Set<String> SCOPES = Set.of("props", "user", "input", "payload");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)((?:\\.[A-Za-z0-9_-]+)+)\\s*}}");

  private final String text;

  private Template(String text) {
    this.text = text;
  }

  /** Parses a template; the message names {@code where} when a placeholder's scope is unknown. */
  static Template parse(String where, String text) throws InvalidBundle {
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      if (!SCOPES.contains(m.group(1))) {
        throw new InvalidBundle(where + ": unknown placeholder scope '" + m.group(1) + "' in " + m.group()
            + " (use props, user, input or payload)");
      }
    }
    return new Template(text);
  }

  /** The fields of {@code scope} it reads, e.g. the inputs an operation needs. */
  public Set<String> fields(String scope) {
    Set<String> fields = new LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(scope)) {
        fields.add(m.group(2).substring(1));
      }
    }
    return fields;
  }

  /** Fills the placeholders; a value that is absent becomes empty text. */
  public String render(Map<String, JsonNode> scopes) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      JsonNode value = scopes.get(m.group(1));
      for (String part : m.group(2).substring(1).split("\\.")) {
        value = value == null ? null : value.get(part);
      }
      String rendered = value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString();
      m.appendReplacement(out, Matcher.quoteReplacement(rendered));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The fields of {@code scope} it reads that {@code values} lacks. */
  public List<String> missing(String scope, JsonNode values) {
    List<String> missing = new ArrayList<>();
    for (String field : fields(scope)) {
      JsonNode value = values;
      for (String part : field.split("\\.")) {
        value = value == null ? null : value.get(part);
      }
      if (value == null || value.isNull()) {
        missing.add(field);
      }
    }
    return missing;
  }

  @Override
  public String toString() {
    return text;
  }
}
