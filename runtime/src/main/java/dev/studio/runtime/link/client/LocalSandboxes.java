package dev.studio.runtime.link.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.studio.runtime.sandbox.DaemonClient;
import dev.studio.runtime.sandbox.DaemonEndpoint;
import dev.studio.runtime.sandbox.LocalSandboxProvider;
import dev.studio.runtime.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link's sandboxes: one local daemon per project (started by the platform's own local sandbox
 * provider on the first sandbox tool call, then reused by every later run of the project), its
 * workspace {@code <workspaces>/<handle>} on this machine, its preview at {@code
 * http://<handle>.localhost:<port>/}. A thread without a project works in the {@code scratch}
 * workspace.
 */
final class LocalSandboxes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalSandboxes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SCRATCH = "scratch";
  static final Duration SETUP_TIMEOUT = Duration.ofMinutes(10);

  private final LocalSandboxProvider provider;
  private final DaemonClient client = new DaemonClient();

  /** A started sandbox: its handle (its name on the run) and daemon. */
  record Local(String handle, DaemonEndpoint daemon) {}

  LocalSandboxes(List<String> daemonCommand, Path workspaces) {
    this.provider = new LocalSandboxProvider(daemonCommand, workspaces);
  }

  /** The project's sandbox, started (and set up) if it is not running yet. */
  synchronized Local forProject(JsonNode project) throws Exception {
    String handle = handle(project);
    var known = provider.endpoint(handle);
    if (known.isPresent()) {
      return new Local(handle, known.get());
    }
    var spec = spec(project);
    var daemon = provider.launch(handle, "link", spec);
    if (spec.repo() != null) {
      setUp(daemon, spec);
    }
    log.info("sandbox {} for {} is up; preview {}", handle, spec.repo() == null ? "the scratch workspace" : spec.repo(),
        daemon.previewUrl());
    return new Local(handle, daemon);
  }

  /** Configures the daemon for the project and runs its setup: clone, install, build, start. */
  private void setUp(DaemonEndpoint daemon, SandboxSpec spec) throws Exception {
    ObjectNode config = JSON.createObjectNode().put("repo", spec.repo()).put("port", provider.devServerPort(spec));
    for (var field : new String[][] {{"ref", spec.ref()}, {"install", spec.install()}, {"build", spec.build()}, {"start", spec.start()}}) {
      if (field[1] != null && !field[1].isBlank()) {
        config.put(field[0], field[1]);
      }
    }
    expectOk(client.callSafely(daemon, "POST", "/_sandbox/config", config.toString(), Duration.ofSeconds(30)), "config");
    for (String phase : new String[] {"clone", "install", "build", "start"}) {
      var reply = client.callSafely(daemon, "POST", "/_sandbox/setup/" + phase, "{}", SETUP_TIMEOUT);
      if (reply.status() == 409) {
        continue; // nothing to do for this phase (or the workspace already has the clone)
      }
      expectOk(reply, phase);
    }
  }

  private static void expectOk(DaemonClient.Reply reply, String what) throws IOException {
    if (!reply.ok()) {
      throw new IOException("the local sandbox refused " + what + " (" + reply.status() + "): " + reply.body());
    }
  }

  /** A DNS label per project, the same on every start: the workspace outlives the link. */
  static String handle(JsonNode project) throws Exception {
    if (project == null || project.isNull() || !project.hasNonNull("repo")) {
      return SCRATCH;
    }
    String repo = project.get("repo").asText();
    String base = repo.replaceAll("/+$", "").replaceAll("\\.git$", "");
    base = base.substring(base.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
      base = "p" + base;
    }
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(repo.getBytes(StandardCharsets.UTF_8));
    return (base.length() > 40 ? base.substring(0, 40) : base) + "-" + HexFormat.of().formatHex(digest, 0, 3);
  }

  private static SandboxSpec spec(JsonNode project) {
    if (project == null || project.isNull() || !project.hasNonNull("repo")) {
      return new SandboxSpec(null, null, null, null, null, null);
    }
    return new SandboxSpec(text(project, "repo"), text(project, "ref"), text(project, "install"), text(project, "build"),
        text(project, "start"), project.hasNonNull("port") ? project.get("port").asInt() : null);
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  @Override
  public void close() {
    provider.close();
  }
}
