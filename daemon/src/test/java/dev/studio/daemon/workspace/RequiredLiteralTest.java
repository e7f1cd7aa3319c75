package dev.studio.daemon.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequiredLiteralTest {
  @Test
  void findsTheLongestRunEveryMatchContains() {
    assertThat(RequiredLiteral.of("fix[A-Z][a-z]+Later")).contains("Later");
    assertThat(RequiredLiteral.of("function\\s+greet")).contains("function");
    assertThat(RequiredLiteral.of("import .* from 'react'")).contains(" from 'react'");
    assertThat(RequiredLiteral.of("a\\.b\\.cde")).contains("a.b.cde");
    assertThat(RequiredLiteral.of("colou?r: red")).contains("r: red");
    assertThat(RequiredLiteral.of("ab+cdef")).contains("bcdef");
  }

  @Test
  void givesNothingWhenNoRunIsSurelyRequired() {
    assertThat(RequiredLiteral.of("foo|barbaz")).isEmpty();
    assertThat(RequiredLiteral.of("(?i)hello")).isEmpty();
    assertThat(RequiredLiteral.of("(hello)?x")).isEmpty();
    assertThat(RequiredLiteral.of("\\d+\\s\\w+")).isEmpty();
    assertThat(RequiredLiteral.of("ab")).isEmpty();
    assertThat(RequiredLiteral.of("\\Qa.b\\E")).isEmpty();
    assertThat(RequiredLiteral.of("x{0,3}yz")).isEmpty();
  }

  @Test
  void everyMatchOfThePatternContainsTheRun() {
    String[][] cases = {
        {"fix[A-Z][a-z]+Later", "// fixMeLater please"},
        {"ab+cdef", "xxabbbbcdefyy"},
        {"colou?r: red", "color: red"},
        {"(x|y)+lit{2}eral", "xylittteral nope, xylitteral"},
    };
    for (String[] example : cases) {
      java.util.regex.Matcher matcher = Pattern.compile(example[0]).matcher(example[1]);
      assertThat(matcher.find()).as(example[0]).isTrue();
      Optional<String> run = RequiredLiteral.of(example[0]);
      run.ifPresent(literal -> assertThat(matcher.group()).as(example[0]).contains(literal));
    }
  }
}
