package dev.studio.daemon.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitStatusParserTest {
  @Test
  void readsBranchAheadBehindAndEveryKindOfChange() {
    String output = String.join("\0",
        "# branch.oid 1234567890abcdef1234567890abcdef12345678",
        "# branch.head main",
        "# branch.upstream origin/main",
        "# branch.ab +2 -1",
        "1 .M N... 100644 100644 100644 aaa aaa src/app.js",
        "1 A. N... 000000 100644 100644 000 bbb src/new file.js",
        "1 .D N... 100644 100644 000000 ccc ccc gone.txt",
        "2 R. N... 100644 100644 100644 ddd ddd R100 renamed.txt", "original.txt",
        "u UU N... 100644 100644 100644 100644 e1 e2 e3 conflict.txt",
        "? scratch.md",
        "");
    GitStatus status = GitStatusParser.parse(output);
    assertThat(status.branch()).isEqualTo("main");
    assertThat(status.head()).startsWith("1234567");
    assertThat(status.upstream()).isEqualTo("origin/main");
    assertThat(status.ahead()).isEqualTo(2);
    assertThat(status.behind()).isEqualTo(1);
    assertThat(status.files()).containsExactly(
        new ChangedFile("src/app.js", "modified", false, true, null),
        new ChangedFile("src/new file.js", "added", true, false, null),
        new ChangedFile("gone.txt", "deleted", false, true, null),
        new ChangedFile("renamed.txt", "renamed", true, false, "original.txt"),
        new ChangedFile("conflict.txt", "conflicted", false, true, null),
        new ChangedFile("scratch.md", "untracked", false, true, null));
  }

  @Test
  void aFreshRepositoryHasNoHeadAndADetachedOneNoBranch() {
    GitStatus fresh = GitStatusParser.parse("# branch.oid (initial)\0# branch.head main\0");
    assertThat(fresh.head()).isNull();
    assertThat(fresh.branch()).isEqualTo("main");
    assertThat(fresh.files()).isEmpty();
    GitStatus detached = GitStatusParser.parse("# branch.oid abc\0# branch.head (detached)\0");
    assertThat(detached.branch()).isNull();
  }
}
