package dev.studio.runtime;

import java.util.Map;
import java.util.Optional;

/**
 * Reads environment variables with one clear line for each mistake. Values of variables that may
 * hold secrets are never echoed back in an error.
 */
public final class Settings {
  private final Map<String, String> env;

  public Settings(Map<String, String> env) {
    this.env = env;
  }

  public Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String required(String name, String what) {
    return optional(name).orElseThrow(() -> new InvalidSetting(name + " is required: " + what));
  }

  public Secret secret(String name, String what) {
    return new Secret(required(name, what));
  }

  public Optional<Secret> optionalSecret(String name) {
    return optional(name).map(Secret::new);
  }

  public int integer(String name, int fallback, int min, int max) {
    var value = optional(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (parsed < min || parsed > max) {
        throw new InvalidSetting(name + " must be between " + min + " and " + max + ", got " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new InvalidSetting(name + " must be a whole number, got '" + value.get() + "'");
    }
  }

  public boolean bool(String name, boolean fallback) {
    var value = optional(name);
    if (value.isEmpty()) {
      return fallback;
    }
    return switch (value.get().toLowerCase()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new InvalidSetting(name + " must be true or false, got '" + value.get() + "'");
    };
  }

  public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    var value = optional(name);
    if (value.isEmpty()) {
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.get())) {
        return constant;
      }
    }
    throw new InvalidSetting(name + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase() + ", got '" + value.get() + "'");
  }
}
