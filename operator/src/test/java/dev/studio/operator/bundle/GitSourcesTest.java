package dev.studio.operator.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git sources against a local bare repository: branches, tags, fixed commits, subdirs, refusals. */
class GitSourcesTest {
  @TempDir Path tmp;

  @Test
  void branchesTagsAndCommitsResolveAndTheSubdirIsTheRoot() throws Exception {
    try (var repo = new LocalGitRepo(tmp.resolve("repo"))) {
      String first = repo.commit("main", Map.of("agents/a/bundle.yaml", "name: a\n", "agents/a/lib/x.jar", "jar", "top.txt", "t"));
      var git = new GitSources(tmp.resolve("cache"));
      assertThat(git.resolve(repo.url(), "main")).isEqualTo(first);
      assertThat(git.resolve(repo.url(), "refs/heads/main")).isEqualTo(first);
      var files = git.files(repo.url(), first, "agents/a");
      assertThat(files.keySet()).containsExactly("bundle.yaml", "lib/x.jar");
      assertThat(new String(files.get("bundle.yaml"), StandardCharsets.UTF_8)).isEqualTo("name: a\n");

      // An annotated tag resolves to its commit; the branch moves on without it.
      try (var work = Git.open(tmp.resolve("repo/work").toFile())) {
        work.tag().setName("v1").setAnnotated(true).setMessage("one").setSigned(false).call();
        work.push().setRemote(tmp.resolve("repo/origin.git").toUri().toString()).setPushTags().call();
      }
      String second = repo.commit("main", Map.of("agents/a/bundle.yaml", "name: a2\n"));
      assertThat(git.resolve(repo.url(), "v1")).isEqualTo(first);
      assertThat(git.resolve(repo.url(), "main")).isEqualTo(second);
      // A fixed commit, read by a fresh cache (fetched from what the server advertises).
      var fresh = new GitSources(tmp.resolve("cache2"));
      assertThat(fresh.resolve(repo.url(), first.toUpperCase())).isEqualTo(first);
      assertThat(fresh.files(repo.url(), first, null).keySet()).contains("top.txt", "agents/a/bundle.yaml");

      assertThatThrownBy(() -> git.resolve(repo.url(), "nope")).isInstanceOf(SourceUnavailable.class).hasMessageContaining("nope");
      assertThatThrownBy(() -> git.files(repo.url(), first, "agents/b")).isInstanceOf(SourceUnavailable.class)
          .hasMessageContaining("agents/b");
      assertThatThrownBy(() -> git.resolve(repo.url(), "0000000000000000000000000000000000000000"))
          .isInstanceOf(SourceUnavailable.class);
    }
  }

  @Test
  void theCacheItselfIsNoSourceAndAMissingRemoteSaysSo() throws Exception {
    try (var repo = new LocalGitRepo(tmp.resolve("repo"))) {
      repo.commit("main", Map.of("bundle.yaml", "name: a\n"));
      var git = new GitSources(tmp.resolve("cache"));
      git.resolve(repo.url(), "main");
      try (var caches = Files.list(tmp.resolve("cache"))) {
        Path cached = caches.findFirst().orElseThrow();
        assertThatThrownBy(() -> git.resolve(cached.toUri().toString(), "main")).isInstanceOf(SourceUnavailable.class)
            .hasMessageContaining("cache");
      }
    }
    var git = new GitSources(tmp.resolve("cache"));
    assertThatThrownBy(() -> git.resolve(tmp.resolve("missing.git").toUri().toString(), "main")).isInstanceOf(SourceUnavailable.class);
  }
}
