package dev.studio.orgfs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the operator delivers to {@code /run/orgfs/config.json} once the pod is bound to a claim:
 * where the platform is, the org's token, and the volumes to keep in step, each under
 * {@code root/<path>} (the path defaults to the volume's name).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SidecarConfig(String apiUrl, String token, String org, String root, List<Volume> volumes) {
  private static final Pattern VOLUME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");

  /** One volume; {@code public-*} volumes are read-only whatever {@code readOnly} says. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Volume(String volume, String path, boolean readOnly) {
    public boolean effectivelyReadOnly() {
      return readOnly || volume.startsWith("public-");
    }

    public String localName() {
      return path == null || path.isBlank() ? volume : path;
    }
  }

  /** Reads and checks the file; a bad one names the field at fault. */
  public static SidecarConfig read(Path file) throws IOException {
    var config = new ObjectMapper().readValue(Files.readAllBytes(file), SidecarConfig.class);
    config.check();
    return config;
  }

  void check() {
    require(apiUrl != null && (apiUrl.startsWith("http://") || apiUrl.startsWith("https://")), "apiUrl must be an http(s) URL");
    require(token != null && !token.isBlank(), "token is required");
    require(org != null && !org.isBlank(), "org is required");
    require(root != null && !root.isBlank(), "root is required");
    require(volumes != null && !volumes.isEmpty(), "volumes must list at least one volume");
    for (Volume v : volumes) {
      require(v.volume() != null && VOLUME.matcher(v.volume()).matches(), "volumes[].volume must be a volume name");
      String local = v.localName();
      require(!local.contains("/") && !local.contains("\\") && !local.equals("..") && !local.equals("."),
          "volumes[].path must be one directory name under root");
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("orgfs config: " + message);
    }
  }

  /** The API base without a trailing '/'. */
  public String api() {
    return apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
  }
}
