package dev.studio.runtime.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebBuildTest {
  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String served(Map<String, WebBuild.Asset> built, String path) {
    return new String(built.get(path).content(), StandardCharsets.UTF_8);
  }

  static final Map<String, byte[]> APP = Map.of(
      "index.html", text("<link rel=\"stylesheet\" href=\"assets/app.css\"><script type=\"module\" src=\"/assets/app.js\"></script>"),
      "assets/app.js", text("import {a} from \"./a.js\";\nimport './b.js';\nconst later = import(\"./b.js\");"),
      "assets/a.js", text("import {b} from \"./b.js\"; export const a = b;"),
      "assets/b.js", text("export const b = 1;"),
      "assets/app.css", text("body { color: red; }"));

  @Test
  void assetsGetContentHashedNamesAndEveryReferenceFollows() {
    var built = WebBuild.build(APP);
    assertThat(built.keySet()).hasSize(5).contains("index.html").allMatch(p -> p.equals("index.html") || p.matches("assets/\\w+\\.[0-9a-f]{10}\\.(js|css)"));
    String b = name(built, "b", "js");
    String a = name(built, "a", "js");
    String app = name(built, "app", "js");
    assertThat(served(built, a)).contains("from \"./" + b.substring(7) + "\"");
    assertThat(served(built, app)).contains("from \"./" + a.substring(7) + "\"").contains("import './" + b.substring(7) + "'")
        .contains("import(\"./" + b.substring(7) + "\")");
    assertThat(served(built, "index.html")).contains("href=\"" + name(built, "app", "css") + "\"")
        .contains("src=\"" + app + "\"");
    assertThat(built.get(app).immutable()).isTrue();
    assertThat(built.get("index.html").immutable()).isFalse();
    assertThat(built.get(app).contentType()).startsWith("text/javascript");
  }

  @Test
  void aChangeInAModuleRenamesEveryModuleThatImportsIt() {
    var before = WebBuild.build(APP);
    var changed = new java.util.HashMap<>(APP);
    changed.put("assets/b.js", text("export const b = 2;"));
    var after = WebBuild.build(changed);
    assertThat(name(after, "b", "js")).isNotEqualTo(name(before, "b", "js"));
    assertThat(name(after, "a", "js")).isNotEqualTo(name(before, "a", "js"));
    assertThat(name(after, "app", "js")).isNotEqualTo(name(before, "app", "js"));
    assertThat(name(after, "app", "css")).isEqualTo(name(before, "app", "css"));
    assertThat(WebBuild.build(APP).keySet()).isEqualTo(before.keySet());
  }

  @Test
  void aMissingModuleOrACycleFailsTheBuildSayingWhere() {
    assertThatThrownBy(() -> WebBuild.build(Map.of("assets/app.js", text("import \"./gone.js\";"))))
        .hasMessageContaining("assets/gone.js");
    assertThatThrownBy(() -> WebBuild.build(Map.of("assets/x.js", text("import \"./y.js\";"), "assets/y.js", text("import \"./x.js\";"))))
        .hasMessageContaining("cycle");
  }

  @Test
  void theShippedAppBuilds() throws Exception {
    var built = WebAssets.load();
    assertThat(served(built, "index.html")).containsPattern("assets/app\\.[0-9a-f]{10}\\.js").containsPattern("assets/app\\.[0-9a-f]{10}\\.css");
  }

  private static String name(Map<String, WebBuild.Asset> built, String base, String extension) {
    return built.keySet().stream().filter(p -> p.matches("assets/" + base + "\\.[0-9a-f]{10}\\." + extension)).findFirst().orElseThrow();
  }
}
