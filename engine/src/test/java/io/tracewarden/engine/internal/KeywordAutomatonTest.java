package io.tracewarden.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  /**
   * Every scan entry point against a naive search, on random keyword sets and random texts made
   * of keyword chars (mixed case, KELVIN SIGN, a surrogate pair, unknown chars), long enough
   * for every code path of the scan loops.
   */
  @Test
  void everyScanAgreesWithNaiveSearch() {
    Random random = new Random(20261125);
    String alphabet = "abcdeKk_-.:=/ \u212A\u00e9\u00c9\ud83d\ude00\"\n0123456789xyzXYZ+";
    boolean[] runChars = new boolean[128];
    for (char c : "abcdeKk0123456789xyzXYZ+/".toCharArray()) {
      runChars[c] = true;
    }
    for (int round = 0; round < 400; round++) {
      List<String> keywords = new ArrayList<>();
      int count = 1 + random.nextInt(12);
      // Long keywords (rounds 300+) move the second chain's start in a chunk (see scanChunk).
      int maxLength = round < 300 ? 6 : 200;
      for (int k = 0; k < count; k++) {
        keywords.add(randomText(random, alphabet, 1 + random.nextInt(maxLength)));
      }
      KeywordAutomaton a = new KeywordAutomaton(keywords);
      // Long texts cross the chunk size (8 KiB) and are scanned by two chains per chunk; the
      // keywords planted in them (upper-cased at random) make hits at every chain boundary.
      String text = round < 250
          ? randomText(random, alphabet, random.nextInt(200))
          : textWithKeywords(random, alphabet, keywords, random.nextInt(20_000));
      int minRun = 1 + random.nextInt(30);
      List<String> expected = naiveHits(keywords, text, 0, text.length());

      List<String> fromString = new ArrayList<>();
      a.scan(text, (k, s, e) -> fromString.add(k + "@" + s + "-" + e));
      assertThat(fromString).as("%s in %s", keywords, text).isEqualTo(expected);

      assertThat(a.occursIn(text)).isEqualTo(!expected.isEmpty());

      List<String> fromSequence = new ArrayList<>();
      a.scan(new StringBuilder(text), (k, s, e) -> fromSequence.add(k + "@" + s + "-" + e));
      assertThat(fromSequence).isEqualTo(expected);

      List<String> withRuns = new ArrayList<>();
      List<Integer> runs = new ArrayList<>();
      a.scan(text, (k, s, e) -> withRuns.add(k + "@" + s + "-" + e), a.runChars(runChars), minRun,
          runs::add);
      assertThat(withRuns).isEqualTo(expected);
      assertThat(runs).as("runs of %d in %s", minRun, text)
          .isEqualTo(naiveRuns(text, runChars, minRun));

      int from = text.isEmpty() ? 0 : random.nextInt(text.length());
      int to = from + random.nextInt(text.length() - from + 1);
      java.util.Set<Character> keywordChars = new java.util.HashSet<>();
      for (String kw : keywords) {
        for (char c : kw.toCharArray()) {
          keywordChars.add(Character.toLowerCase(c));
        }
      }
      boolean anyInRange = false;
      for (int i = from; i < to; i++) {
        anyInRange |= keywordChars.contains(Character.toLowerCase(text.charAt(i)));
      }
      assertThat(a.inAnyKeyword(text, from, to)).isEqualTo(anyInRange);

      List<String> inRange = new ArrayList<>();
      a.scan(text, from, to, (k, s, e) -> inRange.add(k + "@" + s + "-" + e));
      assertThat(inRange).isEqualTo(naiveHits(keywords, text, from, to));
    }
  }

  private static String randomText(Random random, String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    while (sb.length() < length) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String textWithKeywords(Random random, String alphabet, List<String> keywords,
      int length) {
    StringBuilder sb = new StringBuilder(length);
    while (sb.length() < length) {
      if (random.nextInt(20) == 0) {
        String kw = keywords.get(random.nextInt(keywords.size()));
        sb.append(random.nextBoolean() ? kw : kw.toUpperCase(java.util.Locale.ROOT));
      } else {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
    }
    return sb.substring(0, length);
  }

  /** Hits inside {@code [from, to)} by end, then by start, then by keyword id. */
  private static List<String> naiveHits(List<String> keywords, String text, int from, int to) {
    int longest = keywords.stream().mapToInt(String::length).max().orElse(0);
    List<String> out = new ArrayList<>();
    for (int end = from + 1; end <= to; end++) {
      for (int start = Math.max(from, end - longest); start < end; start++) {
        for (int k = 0; k < keywords.size(); k++) {
          String kw = keywords.get(k);
          if (kw.length() == end - start && foldedEquals(kw, text, start)) {
            out.add(k + "@" + start + "-" + end);
          }
        }
      }
    }
    return out;
  }

  private static boolean foldedEquals(String keyword, String text, int start) {
    for (int i = 0; i < keyword.length(); i++) {
      if (Character.toLowerCase(keyword.charAt(i))
          != Character.toLowerCase(text.charAt(start + i))) {
        return false;
      }
    }
    return true;
  }

  private static List<Integer> naiveRuns(String text, boolean[] runChars, int minRun) {
    List<Integer> out = new ArrayList<>();
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      run = c < 128 && runChars[c] ? run + 1 : 0;
      if (run == minRun) {
        out.add(i);
      }
    }
    return out;
  }
}
