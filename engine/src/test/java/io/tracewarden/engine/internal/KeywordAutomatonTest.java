package io.tracewarden.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeywordAutomatonTest {

  private static List<String> hits(List<String> keywords, String text) {
    KeywordAutomaton a = new KeywordAutomaton(keywords);
    List<String> out = new ArrayList<>();
    a.scan(text, (k, s, e) -> out.add(keywords.get(k) + "@" + s + "-" + e));
    return out;
  }

  @Test
  void reportsOverlappingKeywords() {
    assertThat(hits(List.of("he", "she", "his", "hers"), "ushers"))
        .containsExactlyInAnyOrder("she@1-4", "he@2-4", "hers@2-6");
  }

  @Test
  void reportsNestedAndRepeatedKeywords() {
    assertThat(hits(List.of("a", "aa", "aaa"), "aaaa")).hasSize(4 + 3 + 2);
  }

  @ParameterizedTest(name = "{0} in {1}")
  @CsvSource({
    "akia, xxAKIAyy, akia@2-6",
    "AKIA, xxakiayy, AKIA@2-6",
    "ghp_, GhP_abc, ghp_@0-4",
    "straße, STRAßE!, straße@0-6",
    "ärger, VIEL ÄRGER, ärger@5-10",
    "ключ, мой КЛЮЧ, ключ@4-8",
    "key, \u212AEY, key@0-3",
  })
  void matchesCaseInsensitively(String keyword, String text, String expected) {
    assertThat(hits(List.of(keyword), text)).containsExactly(expected);
  }

  @Test
  void reportsNothingOnCleanText() {
    assertThat(hits(List.of("password", "ghp_", "akia"), "nothing to see here, move along"))
        .isEmpty();
  }

  @Test
  void handlesSurrogatePairsAndUnknownChars() {
    assertThat(hits(List.of("🔑key"), "a 😀 b 🔑KEY c")).containsExactly("🔑key@7-12");
  }

  @Test
  void sharedPrefixesFollowFailureLinks() {
    assertThat(hits(List.of("abcd", "bce", "c"), "abce"))
        .containsExactlyInAnyOrder("c@2-3", "bce@1-4");
  }
}
