package dev.studio.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.studio.bundle.spi.OperationCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Loading packages of both kinds, and refusing broken ones with a reason a person can act on. */
class BundleLoaderTest {
  static final Set<String> TOOLS = Set.of("current_time", "remember", "recall", "read", "grep");
  final BundleLoader loader = new BundleLoader(TOOLS);

  LoadedBundle load(BundleRecord.Kind kind, byte[] zip) throws Exception {
    Path dir = Files.createTempDirectory("bundle-test-");
    BundleZip.extract(zip, dir);
    var props = new ObjectMapper().createObjectNode().put("greeting", "Ahoy");
    return loader.load(kind, dir, new LiveContext("word-tools", "0123456789abcdef", () -> props, Map::of));
  }

  @Test
  void theJvmExampleServesItsOperationsTurnsAndJobsFromItsOwnClassLoader() throws Exception {
    var bundle = (JvmBundle) load(BundleRecord.Kind.Jvm, TestBundles.wordTools());
    assertThat(bundle.operations()).containsExactlyInAnyOrder("count", "greet");
    var count = bundle.call(() -> bundle.operation("count").orElseThrow()
        .invoke(new OperationCall("org", "GET", Map.of("text", "one two three"), Map.of(), Map.of())));
    assertThat(count).isEqualTo(Map.of("words", 3, "characters", 13));
    var greet = bundle.call(() -> bundle.operation("greet").orElseThrow()
        .invoke(new OperationCall("org", "POST", Map.of("name", "Ada"), Map.of(), Map.of())));
    assertThat(greet).isEqualTo(Map.of("text", "Ahoy, Ada!"));
    assertThat(bundle.turns()).isPresent();
    assertThat(bundle.jobs()).isPresent();
    // Its classes come from its own loader, not the runtime's.
    var handlerClass = bundle.operation("count").orElseThrow().getClass();
    assertThat(handlerClass.getClassLoader()).isInstanceOf(BundleClassLoader.class);
    bundle.close();
    assertThat(bundle.closed()).isTrue();
  }

  @Test
  void aBundleBringsItsOwnVersionOfALibraryTheRuntimeAlsoHas() throws Exception {
    // The runtime has Jackson; this bundle has its own class of the same name. It must see its own.
    String clash = """
        package com.fasterxml.jackson.databind;
        public class ObjectMapper { public static String who() { return "the bundle's own"; } }
        """;
    String entry = """
        package clash;
        import dev.studio.bundle.spi.*;
        import java.util.Map;
        public class Clash implements StudioBundle {
          public Map<String, Operation> operations() {
            return Map.of("who", call -> com.fasterxml.jackson.databind.ObjectMapper.who());
          }
        }
        """;
    var jar = TestBundles.jar(Map.of("com/fasterxml/jackson/databind/ObjectMapper.java", clash, "clash/Clash.java", entry),
        Map.of("META-INF/services/dev.studio.bundle.spi.StudioBundle", "clash.Clash".getBytes()));
    var bundle = (JvmBundle) load(BundleRecord.Kind.Jvm, TestBundles.zip(Map.of("clash.jar", jar)));
    assertThat(bundle.call(() -> bundle.operation("who").orElseThrow()
        .invoke(new OperationCall("org", "GET", Map.of(), Map.of(), Map.of())))).isEqualTo("the bundle's own");
    assertThat(new ObjectMapper().writeValueAsString(Map.of("a", 1))).isEqualTo("{\"a\":1}"); // the runtime's is untouched
    bundle.close();
  }

  @Test
  void aJarWithoutTheSpiIsRefused() {
    String plain = "package plain; public class Plain {}";
    assertThatThrownBy(() -> load(BundleRecord.Kind.Jvm, TestBundles.jvm("plain.Plain", plain, false)))
        .isInstanceOf(InvalidBundle.class)
        .hasMessageContaining("implements no bundle SPI")
        .hasMessageContaining("META-INF/services/dev.studio.bundle.spi.StudioBundle");
  }

  @Test
  void aClassThatThrowsWhileLoadingIsRefusedWithItsMessage() {
    String throwing = """
        package broken;
        public class Broken implements dev.studio.bundle.spi.StudioBundle {
          static { if (true) throw new IllegalStateException("no config for the broken bundle"); }
        }
        """;
    assertThatThrownBy(() -> load(BundleRecord.Kind.Jvm, TestBundles.jvm("broken.Broken", throwing, true)))
        .isInstanceOf(InvalidBundle.class)
        .hasMessageContaining("does not load")
        .hasMessageContaining("no config for the broken bundle");
  }

  @Test
  void aBundleWhoseStartThrowsIsRefused() {
    String failing = """
        package failing;
        public class Failing implements dev.studio.bundle.spi.StudioBundle {
          public void start(dev.studio.bundle.spi.BundleContext context) { throw new IllegalArgumentException("needs prop apiUrl"); }
        }
        """;
    assertThatThrownBy(() -> load(BundleRecord.Kind.Jvm, TestBundles.jvm("failing.Failing", failing, true)))
        .isInstanceOf(InvalidBundle.class)
        .hasMessageContaining("failing.Failing.start failed")
        .hasMessageContaining("needs prop apiUrl");
  }

  @Test
  void aJvmBundleNeedsAJar() {
    assertThatThrownBy(() -> load(BundleRecord.Kind.Jvm, TestBundles.declarative("name: x\n")))
        .isInstanceOf(InvalidBundle.class).hasMessageContaining("needs its jar at the root");
  }

  @Test
  void theDeclarativeExampleLoads() throws Exception {
    var bundle = load(BundleRecord.Kind.Declarative, TestBundles.supportAgent());
    assertThat(bundle.operations()).containsExactlyInAnyOrder("summarize", "reply");
    var spec = bundle.definition().orElseThrow();
    assertThat(spec.tools()).contains(Set.of("current_time", "remember", "recall"));
    assertThat(spec.maxSteps()).contains(6);
    assertThat(spec.jobs()).containsKey("report");
  }

  @Test
  void badYamlIsRefusedWithTheLine() {
    assertThatThrownBy(() -> load(BundleRecord.Kind.Declarative, TestBundles.declarative("system: [unclosed\n")))
        .isInstanceOf(InvalidBundle.class).hasMessageStartingWith("bundle.yaml is not valid YAML");
  }

  @Test
  void aZipThatEscapesItsDirectoryIsRefused() {
    var evil = TestBundles.zip(Map.of("../../evil.txt", "x".getBytes()));
    assertThatThrownBy(() -> load(BundleRecord.Kind.Declarative, evil))
        .isInstanceOf(InvalidBundle.class).hasMessageContaining("outside the bundle");
  }
}
