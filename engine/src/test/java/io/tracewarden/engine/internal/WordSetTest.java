package io.tracewarden.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WordSetTest {

  @Test
  void findsWhatLowerCasingAndContainsFind() {
    List<String> words = List.of("key", "_id\"", "sha256", "<", "k", "\u2022\u2022", "i\u0307x");
    WordSet set = new WordSet(words);
    String alphabet = "kKeEyY_iId\"sShHaA256<x \u212A\u0130\u2022";
    Random random = new Random(3);
    for (int round = 0; round < 100_000; round++) {
      assertFoundAsContainsFinds(set, words, randomText(random, alphabet, 12));
    }
  }

  /** Words that share prefixes and suffixes, in longer texts, as the built-in stopwords do. */
  @Test
  void findsOverlappingWordsInLongerTexts() {
    List<String> words = List.of("checksum", "checksum/", "sha1", "sha256", "hash:", "_hash",
        ".hash", "ash", "sum/", "your_", "your-", "xxxx", "<");
    WordSet set = new WordSet(words);
    String alphabet = "checksumCHECKSUM/sha1256:_.yourXX-< \n\"";
    Random random = new Random(4);
    for (int round = 0; round < 20_000; round++) {
      assertFoundAsContainsFinds(set, words, randomText(random, alphabet, 120));
    }
  }

  /** Many words in texts over a wide alphabet, as gitleaks stopword lists meet tokens. */
  @Test
  void findsFewWordsAmongMany() {
    Random random = new Random(5);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=\"<$";
    List<String> words = new java.util.ArrayList<>(List.of("$", "<a", "x"));
    for (int k = 0; k < 1_500; k++) {
      StringBuilder w = new StringBuilder();
      for (int i = 0, n = 3 + random.nextInt(6); i < n; i++) {
        w.append(Character.toLowerCase(alphabet.charAt(random.nextInt(62))));
      }
      words.add(w.toString());
    }
    for (List<String> set : List.of(words.subList(3, 40), words.subList(3, words.size()), words)) {
      WordSet wordSet = new WordSet(set);
      for (int round = 0; round < 20_000; round++) {
        StringBuilder sb = new StringBuilder(randomText(random, alphabet, 80));
        if (round % 10 == 0) {
          String w = set.get(random.nextInt(set.size())).toUpperCase(Locale.ROOT);
          sb.insert(random.nextInt(sb.length() + 1), w);
        }
        assertFoundAsContainsFinds(wordSet, set, sb.toString());
      }
    }
  }

  @Test
  void anEmptyWordIsInEveryText() {
    assertThat(new WordSet(List.of("")).foundIn("")).isTrue();
    assertThat(new WordSet(List.of()).foundIn("anything")).isFalse();
  }

  /** Fewer than {@code bound} chars drawn from {@code alphabet}. */
  private static String randomText(Random random, String alphabet, int bound) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0, n = random.nextInt(bound); i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static void assertFoundAsContainsFinds(WordSet set, List<String> words, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    assertThat(set.foundIn(text)).as(text).isEqualTo(words.stream().anyMatch(lower::contains));
  }
}
