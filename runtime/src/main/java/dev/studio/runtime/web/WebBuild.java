package dev.studio.runtime.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the app's source files into what is served: each file under {@code assets/} gets a name
 * with a hash of its content ({@code chat.js} → {@code chat.3f9a1c2b.js}), and every reference to
 * it (a module import, a {@code src} or {@code href} in {@code index.html}) is rewritten to that
 * name. A module's hash covers the hashed names of what it imports, so a change anywhere renames
 * every module that depends on it. A pure function: the same files in, the same files out.
 */
public final class WebBuild {
  public static final String ASSETS = "assets/";
  /** {@code import ... from "./x.js"}, {@code import "./x.js"}, {@code import("./x.js")}. */
  private static final Pattern MODULE_REFERENCE =
      Pattern.compile("((?:\\bfrom|\\bimport)\\s*\\(?\\s*)([\"'])\\./([\\w.-]+)\\2");
  /** {@code src="assets/x.js"}, {@code href="/assets/x.css"}. */
  private static final Pattern PAGE_REFERENCE = Pattern.compile("((?:src|href)=)([\"'])/?assets/([\\w.-]+)\\2");

  /** A file as served. */
  public record Asset(String path, byte[] content, String contentType, boolean immutable) {}

  private final Map<String, byte[]> sources;
  private final Map<String, String> hashedNames = new HashMap<>();
  private final Map<String, byte[]> rewritten = new HashMap<>();
  private final Set<String> inProgress = new HashSet<>();

  private WebBuild(Map<String, byte[]> sources) {
    this.sources = sources;
  }

  /**
   * @param sources the app's files by path relative to the web root ({@code index.html}, {@code
   *     assets/app.js}, ...)
   * @return the served files by path: the pages under their own names, the assets under hashed ones
   */
  public static Map<String, Asset> build(Map<String, byte[]> sources) {
    return new WebBuild(sources).run();
  }

  private Map<String, Asset> run() {
    var served = new LinkedHashMap<String, Asset>();
    for (String path : sources.keySet().stream().sorted().toList()) {
      if (path.startsWith(ASSETS)) {
        String name = hashedName(path.substring(ASSETS.length()));
        String servedPath = ASSETS + name;
        served.put(servedPath, new Asset(servedPath, rewritten.get(path.substring(ASSETS.length())), contentType(path), true));
      } else {
        byte[] content = isText(path) ? rewrite(path, PAGE_REFERENCE) : sources.get(path);
        served.put(path, new Asset(path, content, contentType(path), false));
      }
    }
    return served;
  }

  private String hashedName(String asset) {
    String done = hashedNames.get(asset);
    if (done != null) {
      return done;
    }
    if (!inProgress.add(asset)) {
      throw new IllegalStateException("web assets import each other in a cycle through " + asset);
    }
    byte[] content = isText(asset) ? rewrite(ASSETS + asset, MODULE_REFERENCE) : sources.get(ASSETS + asset);
    inProgress.remove(asset);
    int dot = asset.lastIndexOf('.');
    String hashed = dot < 0 ? asset + "." + hash(content) : asset.substring(0, dot) + "." + hash(content) + asset.substring(dot);
    hashedNames.put(asset, hashed);
    rewritten.put(asset, content);
    return hashed;
  }

  private byte[] rewrite(String path, Pattern references) {
    String text = new String(sources.get(path), StandardCharsets.UTF_8);
    Matcher matcher = references.matcher(text);
    var out = new StringBuilder();
    while (matcher.find()) {
      String target = matcher.group(3);
      if (!sources.containsKey(ASSETS + target)) {
        throw new IllegalStateException(path + " refers to " + ASSETS + target + ", which does not exist");
      }
      String prefix = references == PAGE_REFERENCE ? ASSETS : "./";
      String replacement = matcher.group(1) + matcher.group(2) + prefix + hashedName(target) + matcher.group(2);
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String hash(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isText(String path) {
    return path.endsWith(".js") || path.endsWith(".css") || path.endsWith(".html");
  }

  static String contentType(String path) {
    String extension = path.substring(path.lastIndexOf('.') + 1);
    return switch (extension) {
      case "html" -> "text/html; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "svg" -> "image/svg+xml";
      case "png" -> "image/png";
      case "ico" -> "image/x-icon";
      case "json" -> "application/json";
      default -> "application/octet-stream";
    };
  }
}
