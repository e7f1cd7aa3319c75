package dev.studio.daemon.git;

import java.util.ArrayList;
import java.util.List;

/** Reads {@code git status --porcelain=v2 --branch -z}. */
final class GitStatusParser {
  private GitStatusParser() {
  }

  static GitStatus parse(String output) {
    String branch = null;
    String head = null;
    String upstream = null;
    int ahead = 0;
    int behind = 0;
    List<ChangedFile> files = new ArrayList<>();
    String[] records = output.split("\0");
    for (int i = 0; i < records.length; i++) {
      String record = records[i];
      if (record.isEmpty()) {
        continue;
      }
      if (record.startsWith("# branch.oid ")) {
        String oid = record.substring("# branch.oid ".length());
        head = oid.equals("(initial)") ? null : oid;
      } else if (record.startsWith("# branch.head ")) {
        String name = record.substring("# branch.head ".length());
        branch = name.equals("(detached)") ? null : name;
      } else if (record.startsWith("# branch.upstream ")) {
        upstream = record.substring("# branch.upstream ".length());
      } else if (record.startsWith("# branch.ab ")) {
        String[] ab = record.substring("# branch.ab ".length()).split(" ");
        ahead = Integer.parseInt(ab[0].substring(1));
        behind = Integer.parseInt(ab[1].substring(1));
      } else if (record.startsWith("1 ")) {
        String[] fields = record.split(" ", 9);
        files.add(changed(fields[1], fields[8], null));
      } else if (record.startsWith("2 ")) {
        String[] fields = record.split(" ", 10);
        String from = i + 1 < records.length ? records[++i] : null;
        files.add(changed(fields[1], fields[9], from));
      } else if (record.startsWith("u ")) {
        String[] fields = record.split(" ", 11);
        files.add(new ChangedFile(fields[10], "conflicted", false, true, null));
      } else if (record.startsWith("? ")) {
        files.add(new ChangedFile(record.substring(2), "untracked", false, true, null));
      }
    }
    return new GitStatus(branch, head, upstream, ahead, behind, files);
  }

  private static ChangedFile changed(String xy, String path, String from) {
    char index = xy.charAt(0);
    char worktree = xy.charAt(1);
    return new ChangedFile(path, state(index, worktree), index != '.', worktree != '.', from);
  }

  private static String state(char index, char worktree) {
    if (index == 'D' || worktree == 'D') {
      return "deleted";
    }
    if (index == 'A') {
      return "added";
    }
    if (index == 'R') {
      return "renamed";
    }
    if (index == 'C') {
      return "copied";
    }
    if (index == 'T' || worktree == 'T') {
      return "typechange";
    }
    return "modified";
  }
}
