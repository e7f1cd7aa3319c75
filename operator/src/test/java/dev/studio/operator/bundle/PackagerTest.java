package dev.studio.operator.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class PackagerTest {

  @Test
  void sameFilesMakeTheSameBytesWhateverTheirOrderAndTheTimeZone() throws IOException {
    var a = new LinkedHashMap<String, byte[]>();
    a.put("bundle.yaml", utf8("name: hello\n"));
    a.put("prompts/system.md", utf8("Be brief."));
    a.put("lib/tools.jar", new byte[] {1, 2, 3, 0, -1});
    var b = new LinkedHashMap<String, byte[]>();
    b.put("lib/tools.jar", new byte[] {1, 2, 3, 0, -1});
    b.put("prompts/system.md", utf8("Be brief."));
    b.put("bundle.yaml", utf8("name: hello\n"));

    byte[] first = Packager.zip(a);
    TimeZone zone = TimeZone.getDefault();
    byte[] second;
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
      second = Packager.zip(b);
    } finally {
      TimeZone.setDefault(zone);
    }
    assertThat(second).isEqualTo(first);
    assertThat(Packager.sha256(second)).isEqualTo(Packager.sha256(first)).hasSize(64);

    assertThat(entries(first)).containsExactly("bundle.yaml", "lib/tools.jar", "prompts/system.md");
    assertThat(read(first, "prompts/system.md")).isEqualTo("Be brief.");
  }

  @Test
  void aChangedFileChangesTheBytes() {
    byte[] one = Packager.zip(Map.of("bundle.yaml", utf8("name: a")));
    byte[] two = Packager.zip(Map.of("bundle.yaml", utf8("name: b")));
    assertThat(Packager.sha256(one)).isNotEqualTo(Packager.sha256(two));
  }

  @Test
  void pathsThatLeaveTheBundleAreRefused() {
    for (String path : List.of("../x", "/etc/passwd", "a/../../b", "a//b", "", "a\\b")) {
      assertThatThrownBy(() -> Packager.zip(Map.of(path, new byte[0]))).as(path).isInstanceOf(IllegalArgumentException.class);
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static List<String> entries(byte[] zip) throws IOException {
    var names = new java.util.ArrayList<String>();
    try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  static String read(byte[] zip, String name) throws IOException {
    try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals(name)) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }
}
