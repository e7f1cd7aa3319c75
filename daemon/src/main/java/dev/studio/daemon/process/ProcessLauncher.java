package dev.studio.daemon.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts the commands the sandbox runs (shell commands, git) in the workspace.
 *
 * <p>Each process starts in its own session ({@code setsid}), so {@link ProcessTree} can end everything it spawned,
 * including children that were re-parented after their shell exited. The daemon's own settings (its token above
 * all) are not passed on; the claim's {@code env} is added on top of the daemon's environment.
 */
public final class ProcessLauncher {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  /** Whether processes get their own session, so that their whole process group can be signalled. */
  static final boolean OWN_SESSION = Files.isExecutable(SETSID);

  private final Path workspace;
  private final Supplier<Map<String, String>> claimEnv;

  public ProcessLauncher(Path workspace, Supplier<Map<String, String>> claimEnv) {
    this.workspace = workspace;
    this.claimEnv = claimEnv;
  }

  public Path workspace() {
    return workspace;
  }

  /** Runs {@code bash -lc command} in the workspace. */
  public Process shell(String command, boolean mergeStderr, Map<String, String> extraEnv) throws IOException {
    return start(List.of("bash", "-lc", command), mergeStderr, extraEnv);
  }

  public Process start(List<String> argv, boolean mergeStderr, Map<String, String> extraEnv) throws IOException {
    List<String> command = new ArrayList<>(argv.size() + 1);
    if (OWN_SESSION) {
      command.add(SETSID.toString());
    }
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workspace.toFile())
        .redirectErrorStream(mergeStderr)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("DAEMON_"));
    env.putAll(claimEnv.get());
    env.putAll(extraEnv);
    return builder.start();
  }
}
