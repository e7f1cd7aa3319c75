package dev.studio.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.studio.daemon.testing.Reply;
import dev.studio.daemon.testing.SseReader;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileRoutesTest extends SharedDaemonTest {
  @Test
  void writeCreatesParentsAndReadReturnsUtf8Text() {
    Reply written = daemon.post("/_sandbox/write", Map.of("path", "src/deep/hello.txt", "content", "héllo\nworld\n"));
    assertThat(written.status()).isEqualTo(200);
    assertThat(written.json().path("bytes").asInt()).isEqualTo(13);

    Reply read = daemon.post("/_sandbox/read", Map.of("path", "src/deep/hello.txt"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().path("path").asText()).isEqualTo("src/deep/hello.txt");
    assertThat(read.json().path("content").asText()).isEqualTo("héllo\nworld\n");
    assertThat(read.json().path("encoding").asText()).isEqualTo("utf8");
  }

  @Test
  void binaryContentTravelsAsBase64BothWays() throws IOException {
    byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, (byte) 0xfe};
    String base64 = Base64.getEncoder().encodeToString(bytes);
    assertThat(daemon.post("/_sandbox/write", Map.of("path", "img.png", "content", base64, "encoding", "base64")).status())
        .isEqualTo(200);
    assertThat(Files.readAllBytes(daemon.workspace().resolve("img.png"))).isEqualTo(bytes);

    Reply read = daemon.post("/_sandbox/read", Map.of("path", "img.png"));
    assertThat(read.json().path("encoding").asText()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(read.json().path("content").asText())).isEqualTo(bytes);
  }

  @Test
  void writeKeepsTheExecutableBit() throws IOException {
    Path script = daemon.workspace().resolve("run.sh");
    Files.writeString(script, "#!/bin/sh\necho old\n");
    Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    daemon.post("/_sandbox/write", Map.of("path", "run.sh", "content", "#!/bin/sh\necho new\n"));
    assertThat(Files.isExecutable(script)).isTrue();
    assertThat(Files.readString(script)).contains("new");
  }

  @Test
  void editReplacesExactlyOneOccurrence() throws IOException {
    daemon.post("/_sandbox/write", Map.of("path", "edit.js", "content", "let a = 1;\nlet b = 2;\nlet b2 = 2;\n"));

    Reply edited = daemon.post("/_sandbox/edit", Map.of("path", "edit.js", "old", "let a = 1;", "new", "let a = 10;"));
    assertThat(edited.status()).isEqualTo(200);
    assertThat(Files.readString(daemon.workspace().resolve("edit.js"))).isEqualTo("let a = 10;\nlet b = 2;\nlet b2 = 2;\n");

    Reply ambiguous = daemon.post("/_sandbox/edit", Map.of("path", "edit.js", "old", "= 2;", "new", "= 3;"));
    assertThat(ambiguous.status()).isEqualTo(409);
    assertThat(ambiguous.errorCode()).isEqualTo("ambiguous_match");
    assertThat(ambiguous.json().path("error").path("details").path("occurrences").asInt()).isEqualTo(2);

    Reply missing = daemon.post("/_sandbox/edit", Map.of("path", "edit.js", "old", "not there", "new", "x"));
    assertThat(missing.status()).isEqualTo(409);
    assertThat(missing.errorCode()).isEqualTo("no_match");
    assertThat(Files.readString(daemon.workspace().resolve("edit.js"))).isEqualTo("let a = 10;\nlet b = 2;\nlet b2 = 2;\n");
  }

  @Test
  void mkdirRenameAndUnlink() {
    assertThat(daemon.post("/_sandbox/mkdir", Map.of("path", "made/here")).status()).isEqualTo(200);
    assertThat(daemon.workspace().resolve("made/here")).isDirectory();

    daemon.post("/_sandbox/write", Map.of("path", "made/here/file.txt", "content", "moving"));
    Reply renamed = daemon.post("/_sandbox/rename", Map.of("from", "made/here/file.txt", "to", "moved/there/file.txt"));
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(daemon.workspace().resolve("made/here/file.txt")).doesNotExist();
    assertThat(daemon.workspace().resolve("moved/there/file.txt")).hasContent("moving");

    assertThat(daemon.post("/_sandbox/unlink", Map.of("path", "moved/there/file.txt")).status()).isEqualTo(200);
    assertThat(daemon.workspace().resolve("moved/there/file.txt")).doesNotExist();
    assertThat(daemon.post("/_sandbox/unlink", Map.of("path", "made")).status()).isEqualTo(200);
    assertThat(daemon.workspace().resolve("made")).doesNotExist();

    Reply gone = daemon.post("/_sandbox/unlink", Map.of("path", "made"));
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorField()).isEqualTo("path");
  }

  @Test
  void grepFindsLinesAndGlobFindsFiles() {
    daemon.post("/_sandbox/write", Map.of("path", "g/src/app.ts", "content", "export function greet() {}\nconst x = 1;\n"));
    daemon.post("/_sandbox/write", Map.of("path", "g/src/util.js", "content", "function greet() {}\n"));
    daemon.post("/_sandbox/write", Map.of("path", "g/README.md", "content", "# greet\n"));

    Reply grep = daemon.post("/_sandbox/grep", Map.of("pattern", "function\\s+greet", "path", "g"));
    assertThat(grep.status()).isEqualTo(200);
    assertThat(grep.json().path("matches")).extracting(match -> match.path("path").asText() + ":" + match.path("line").asInt())
        .containsExactly("g/src/app.ts:1", "g/src/util.js:1");
    assertThat(grep.json().path("matches").get(0).path("text").asText()).isEqualTo("export function greet() {}");
    assertThat(grep.json().path("truncated").asBoolean()).isFalse();

    Reply filtered = daemon.post("/_sandbox/grep", Map.of("pattern", "greet", "glob", "*.md"));
    assertThat(filtered.json().path("matches")).extracting(match -> match.path("path").asText()).containsExactly("g/README.md");

    Reply glob = daemon.post("/_sandbox/glob", Map.of("pattern", "g/**/*.{ts,js}"));
    assertThat(glob.json().path("paths")).extracting(JsonNode::asText).containsExactly("g/src/app.ts", "g/src/util.js");
  }

  @Test
  void fileChangesAreAnnouncedOnTheEventStream() throws Exception {
    try (SseReader events = daemon.stream("/_sandbox/events", null)) {
      daemon.post("/_sandbox/write", Map.of("path", "announced.txt", "content", "x"));
      daemon.post("/_sandbox/rename", Map.of("from", "announced.txt", "to", "renamed.txt"));
      events.await("file.changed", data -> data.path("op").asText().equals("write")
          && data.path("path").asText().equals("announced.txt"), Duration.ofSeconds(5));
      events.await("file.changed", data -> data.path("op").asText().equals("rename")
          && data.path("from").asText().equals("announced.txt")
          && data.path("path").asText().equals("renamed.txt"), Duration.ofSeconds(5));
    }
  }

  @Test
  void missingOrMistypedFieldsAreNamed() {
    assertField(daemon.post("/_sandbox/read", Map.of()), 400, "path");
    assertField(daemon.post("/_sandbox/write", Map.of("path", "x.txt")), 400, "content");
    assertField(daemon.post("/_sandbox/write", Map.of("path", "x.txt", "content", "%%%", "encoding", "base64")), 400, "content");
    assertField(daemon.post("/_sandbox/write", Map.of("path", "x.txt", "content", "a", "encoding", "latin1")), 400, "encoding");
    assertField(daemon.post("/_sandbox/write", Map.of("path", 42, "content", "a")), 400, "path");
    assertField(daemon.post("/_sandbox/rename", Map.of("from", "a")), 400, "to");
    assertField(daemon.post("/_sandbox/grep", Map.of("pattern", "([")), 400, "pattern");
    assertField(daemon.post("/_sandbox/read", Map.of("path", "does/not/exist.txt")), 404, "path");
    assertField(daemon.post("/_sandbox/read", "{not json"), 400, "body");
    assertField(daemon.post("/_sandbox/read", List.of("an", "array")), 400, "body");
  }

  @Test
  void aBodyOverTheCapIsRefusedWith413() {
    byte[] big = new byte[(int) JsonBody.MAX_BYTES + 1024];
    java.util.Arrays.fill(big, (byte) 'a');
    // Expect: 100-continue, as curl sends for large bodies: the daemon refuses on the declared length
    // before the upload starts. Without it the refusal races the upload, and a client still sending
    // when the connection closes may see a reset instead of the 413.
    HttpRequest request = HttpRequest.newBuilder(daemon.control("/_sandbox/write"))
        .header("Authorization", "Bearer " + daemon.token())
        .expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build();
    Reply reply = daemon.exchange(request);
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.errorCode()).isEqualTo("too_large");
  }

  @Test
  void errorsNeverCarryStackTraces() {
    Reply reply = daemon.post("/_sandbox/read", Map.of("path", "g"));
    assertThat(reply.body()).doesNotContain("at dev.studio").doesNotContain("Exception");
    assertThat(new String(reply.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).startsWith("{\"error\"");
  }

  private static void assertField(Reply reply, int status, String field) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.errorField()).as(reply.body()).isEqualTo(field);
    assertThat(reply.json().path("error").path("message").asText()).contains(field);
  }
}
