package dev.studio.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.daemon.testing.FixtureRepo;
import dev.studio.daemon.testing.Git;
import dev.studio.daemon.testing.Reply;
import dev.studio.daemon.testing.RunningDaemon;
import dev.studio.daemon.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git through the API against a real bare repository: status, diff, publish that lands, discard. */
class GitRoutesTest {
  @TempDir
  Path dir;
  FixtureRepo origin;
  RunningDaemon daemon;

  @BeforeAll
  static void tools() {
    Tools.requireNodeGitBash();
  }

  @BeforeEach
  void cloneFixture() {
    origin = FixtureRepo.create(dir.resolve("repos"));
    daemon = RunningDaemon.start(dir);
    daemon.post("/_sandbox/config", Map.of("repo", origin.url(), "ref", "main",
        "gitAuthor", Map.of("name", "Ada Lovelace", "email", "ada@example.invalid")));
    Reply clone = daemon.post("/_sandbox/setup/clone", Map.of());
    assertThat(clone.json().path("state").asText()).as(clone.body()).isEqualTo("succeeded");
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  @Test
  void statusShowsBranchAndEveryChange() throws IOException {
    Files.writeString(daemon.workspace().resolve("server.js"), "// changed\n", java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(daemon.workspace().resolve("new-file.txt"), "new\n");
    Files.delete(daemon.workspace().resolve("package.json"));

    Reply status = daemon.get("/_sandbox/git/status");
    assertThat(status.status()).isEqualTo(200);
    assertThat(status.json().path("branch").asText()).isEqualTo("main");
    assertThat(status.json().path("upstream").asText()).isEqualTo("origin/main");
    assertThat(status.json().path("ahead").asInt()).isZero();
    assertThat(status.json().path("files")).extracting(file -> file.path("path").asText() + "=" + file.path("state").asText())
        .containsExactlyInAnyOrder("server.js=modified", "new-file.txt=untracked", "package.json=deleted");
  }

  @Test
  void diffIsAUnifiedDiffIncludingNewFiles() throws IOException {
    Files.writeString(daemon.workspace().resolve("server.js"), "// appended line\n", java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(daemon.workspace().resolve("notes.md"), "brand new\n");

    String diff = daemon.get("/_sandbox/git/diff").json().path("diff").asText();
    assertThat(diff).contains("diff --git a/server.js b/server.js", "+// appended line", "+++ b/notes.md", "+brand new");

    String onlyNotes = daemon.get("/_sandbox/git/diff?path=notes.md").json().path("diff").asText();
    assertThat(onlyNotes).contains("+brand new").doesNotContain("server.js");
  }

  @Test
  void publishCommitsEverythingAndPushesToTheBareRepository() throws IOException {
    Files.writeString(daemon.workspace().resolve("feature.txt"), "work from the sandbox\n");
    Reply published = daemon.post("/_sandbox/git/publish", Map.of("message", "Add feature"));
    assertThat(published.status()).as(published.body()).isEqualTo(200);
    String sha = published.json().path("sha").asText();
    assertThat(published.json().path("committed").asBoolean()).isTrue();
    assertThat(published.json().path("pushed").asBoolean()).isTrue();

    assertThat(origin.lastCommit("main")).isEqualTo(sha + " Add feature");
    assertThat(origin.fileAt("main", "feature.txt")).isEqualTo("work from the sandbox");
    assertThat(Git.run(origin.bare(), "log", "-1", "--format=%an <%ae>", "main")).isEqualTo("Ada Lovelace <ada@example.invalid>");
    assertThat(daemon.get("/_sandbox/git/status").json().path("files")).isEmpty();
  }

  @Test
  void publishingWithNothingToCommitIsNotAnError() {
    String before = origin.lastCommit("main");
    Reply published = daemon.post("/_sandbox/git/publish", Map.of());
    assertThat(published.status()).isEqualTo(200);
    assertThat(published.json().path("committed").asBoolean()).isFalse();
    assertThat(published.json().path("sha").asText()).isEqualTo(before.split(" ")[0]);
    assertThat(origin.lastCommit("main")).isEqualTo(before);
  }

  @Test
  void publishToANewBranchLeavesMainAlone() throws IOException {
    String mainBefore = origin.lastCommit("main");
    Files.writeString(daemon.workspace().resolve("branch-work.txt"), "on a branch\n");
    Reply published = daemon.post("/_sandbox/git/publish", Map.of("branch", "sandbox/feature-1"));
    assertThat(published.status()).as(published.body()).isEqualTo(200);
    assertThat(published.json().path("branch").asText()).isEqualTo("sandbox/feature-1");
    assertThat(origin.fileAt("sandbox/feature-1", "branch-work.txt")).isEqualTo("on a branch");
    assertThat(origin.lastCommit("main")).isEqualTo(mainBefore);

    Reply badBranch = daemon.post("/_sandbox/git/publish", Map.of("branch", "bad..name"));
    assertThat(badBranch.status()).isEqualTo(400);
    assertThat(badBranch.errorField()).isEqualTo("branch");
  }

  @Test
  void discardResetsTrackedFilesAndRemovesUntrackedOnesButKeepsIgnoredOnes() throws IOException {
    Path workspace = daemon.workspace();
    Files.writeString(workspace.resolve(".gitignore"), "node_modules/\n");
    daemon.post("/_sandbox/git/publish", Map.of("message", "ignore node_modules"));
    Files.createDirectories(workspace.resolve("node_modules/dep"));
    Files.writeString(workspace.resolve("node_modules/dep/index.js"), "installed\n");
    String original = Files.readString(workspace.resolve("server.js"));
    Files.writeString(workspace.resolve("server.js"), "broken");
    Files.writeString(workspace.resolve("scratch.txt"), "temporary");

    Reply discarded = daemon.post("/_sandbox/git/discard", Map.of());
    assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);
    assertThat(discarded.json().path("files")).isEmpty();
    assertThat(workspace.resolve("server.js")).hasContent(original);
    assertThat(workspace.resolve("scratch.txt")).doesNotExist();
    assertThat(workspace.resolve("node_modules/dep/index.js")).exists();
  }

  @Test
  void discardCanBeLimitedToSomePaths() throws IOException {
    Path workspace = daemon.workspace();
    Files.writeString(workspace.resolve("server.js"), "changed");
    Files.writeString(workspace.resolve("package.json"), "{\"changed\": true}");
    Files.writeString(workspace.resolve("keep.txt"), "keep me");
    Files.writeString(workspace.resolve("drop.txt"), "drop me");

    Reply discarded = daemon.post("/_sandbox/git/discard", Map.of("paths", List.of("server.js", "drop.txt")));
    assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);
    assertThat(discarded.json().path("files")).extracting(JsonNode::toString).hasSize(2);
    assertThat(workspace.resolve("server.js")).content().doesNotContain("changed");
    assertThat(workspace.resolve("drop.txt")).doesNotExist();
    assertThat(workspace.resolve("keep.txt")).exists();
    assertThat(workspace.resolve("package.json")).hasContent("{\"changed\": true}");

    Reply outside = daemon.post("/_sandbox/git/discard", Map.of("paths", List.of("../x")));
    assertThat(outside.status()).isEqualTo(400);
    assertThat(outside.errorField()).isEqualTo("paths[0]");
  }
}
