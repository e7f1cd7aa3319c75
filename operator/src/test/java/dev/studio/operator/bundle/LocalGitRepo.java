package dev.studio.operator.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.RefSpec;

/** A bare repository in a temp dir (the remote a Bundle names) and a work tree that pushes to it. */
final class LocalGitRepo implements AutoCloseable {
  private final Path origin;
  private final Git work;

  LocalGitRepo(Path dir) throws GitAPIException {
    origin = dir.resolve("origin.git");
    Git.init().setBare(true).setDirectory(origin.toFile()).setInitialBranch("main").call().close();
    work = Git.init().setDirectory(dir.resolve("work").toFile()).setInitialBranch("main").call();
  }

  /** The clone URL, in the form the CRD accepts. */
  String url() {
    return origin.toUri().toString().replace("file:/", "file:///").replace("file:////", "file:///");
  }

  /** Writes {@code files} (path → text; null deletes), commits, pushes to {@code branch}; the new commit. */
  String commit(String branch, Map<String, String> files) throws IOException, GitAPIException {
    Path root = work.getRepository().getWorkTree().toPath();
    for (var file : files.entrySet()) {
      Path path = root.resolve(file.getKey());
      if (file.getValue() == null) {
        Files.deleteIfExists(path);
      } else {
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      }
    }
    work.add().addFilepattern(".").call();
    work.add().addFilepattern(".").setUpdate(true).call();
    var who = new PersonIdent("Test", "test@example.com");
    String commit = work.commit().setMessage("change " + files.keySet()).setAuthor(who).setCommitter(who).setSign(false).call().getId().name();
    work.push().setRemote(origin.toUri().toString()).setRefSpecs(new RefSpec("+HEAD:refs/heads/" + branch)).call();
    return commit;
  }

  @Override
  public void close() {
    work.close();
  }
}
