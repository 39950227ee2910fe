package io.tracewarden.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracewarden.engine.Rules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HitLogTest {

  private static final String[] ESCAPES = {"\\n", "\\\"", "\\\\", "\\u0041", "\\u006b", "\\t",
      "%41", "%6B", "%2F", "%20", "%C3%A9", "\\/"};

  /** Hits derived from the parent's are exactly those of a full scan of the decoded view. */
  @Test
  void childHitsAreThoseOfAFullScan() {
    List<String> keywords = Rules.builtin().stream().flatMap(r -> r.keywords().stream())
        .map(k -> k.toLowerCase(Locale.ROOT)).distinct().toList();
    KeywordAutomaton automaton = new KeywordAutomaton(keywords);
    Random random = new Random(7);
    int views = 0;
    for (int round = 0; round < 400; round++) {
      String text = text(random, keywords);
      TextView root = TextView.root(text);
      HitLog rootHits = HitLog.scan(automaton, text, true);
      List<TextView> children = new ArrayList<>();
      Decoders.json(root, children::add);
      Decoders.url(root, children::add);
      for (TextView child : children) {
        HitLog derived = HitLog.ofChild(automaton, rootHits, child);
        assertThat(hits(derived)).as(text)
            .isEqualTo(hits(HitLog.scan(automaton, child.text(), false)));
        // And one level further down, from derived hits.
        List<TextView> grandchildren = new ArrayList<>();
        Decoders.json(child, grandchildren::add);
        Decoders.url(child, grandchildren::add);
        for (TextView g : grandchildren) {
          assertThat(hits(HitLog.ofChild(automaton, derived, g))).as(text)
              .isEqualTo(hits(HitLog.scan(automaton, g.text(), false)));
          views++;
        }
        views++;
      }
    }
    assertThat(views).isGreaterThan(400);
  }

  /** Dense overlapping keywords over a tiny alphabet, escapes decoding into it. */
  @Test
  void childHitsAreThoseOfAFullScanForDenseOverlappingKeywords() {
    List<String> keywords = List.of("abcabcabcab", "abcabc", "bca", "cab", "c", "ba");
    KeywordAutomaton automaton = new KeywordAutomaton(keywords);
    String[] pieces = {"a", "b", "c", "A", "\\u0061", "%62", "%43", "\\n", " ",
        "abcabcabca%62", "\\u0061bcabcabcab", "abcab%43abcab"};
    Random random = new Random(11);
    for (int round = 0; round < 3000; round++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0, n = random.nextInt(80); i < n; i++) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = sb.toString();
      HitLog rootHits = HitLog.scan(automaton, text, true);
      List<TextView> children = new ArrayList<>();
      Decoders.json(TextView.root(text), children::add);
      Decoders.url(TextView.root(text), children::add);
      for (TextView child : children) {
        assertThat(hits(HitLog.ofChild(automaton, rootHits, child))).as(text)
            .isEqualTo(hits(HitLog.scan(automaton, child.text(), false)));
      }
    }
  }

  /** The base64 runs found in the keyword pass are those the sampling decoder finds. */
  @Test
  void base64RunsFromTheKeywordPassAreThoseOfTheSampler() {
    KeywordAutomaton automaton = new KeywordAutomaton(List.of("key"));
    String[] pieces = {"QUJD", "REVG", "R0hJ", "aGVsbG8gd29ybGQgdGhpcyBpcyB0ZXh0", "=", "==", " ",
        "\n", "-", "_", "/", "+", ".", "key", "\u00e9"};
    Random random = new Random(5);
    int decoded = 0;
    for (int round = 0; round < 5000; round++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0, n = random.nextInt(60); i < n; i++) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      TextView root = TextView.root(sb.toString());
      List<String> sampled = new ArrayList<>();
      Decoders.base64(root, null, v -> sampled.add(segment(v)));
      List<String> fused = new ArrayList<>();
      Decoders.base64(root, HitLog.scan(automaton, root.text(), true), v -> fused.add(segment(v)));
      assertThat(fused).as(root.text()).isEqualTo(sampled);
      decoded += sampled.size();
    }
    assertThat(decoded).isGreaterThan(1000);
  }

  private static String segment(TextView v) {
    int[] span = new int[2];
    v.toRoot(0, v.text().length(), span);
    return span[0] + "-" + span[1] + ":" + v.text();
  }

  private static String text(Random random, List<String> keywords) {
    StringBuilder sb = new StringBuilder();
    int parts = 5 + random.nextInt(400);
    for (int i = 0; i < parts; i++) {
      switch (random.nextInt(5)) {
        case 0 -> {
          String k = keywords.get(random.nextInt(keywords.size()));
          sb.append(random.nextBoolean() ? k : k.toUpperCase(Locale.ROOT));
        }
        case 1 -> {
          // A keyword with an escape inside it: only the decoded view holds the keyword.
          String k = keywords.get(random.nextInt(keywords.size()));
          int cut = random.nextInt(k.length() + 1);
          sb.append(k, 0, cut).append(ESCAPES[random.nextInt(ESCAPES.length)])
              .append(k, cut, k.length());
        }
        case 2 -> sb.append(ESCAPES[random.nextInt(ESCAPES.length)]);
        case 3 -> sb.append(" ".repeat(random.nextInt(3000)));
        default -> sb.append("abcdefghij =:\"'_-.".charAt(random.nextInt(18)));
      }
    }
    return sb.toString();
  }

  private static List<List<Integer>> hits(HitLog log) {
    List<List<Integer>> out = new ArrayList<>();
    log.replay((k, s, e) -> out.add(List.of(k, s, e)));
    return out;
  }
}
