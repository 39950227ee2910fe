package io.tracewarden.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.tracewarden.engine.Rule;
import io.tracewarden.engine.RuleExamples;
import io.tracewarden.engine.Rules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The backtracker must give RE2/J's matches and groups, call for call. */
class BacktrackerTest {

  private static final String CONTEXT_CHARS =
      "aZ09_-.:=\"' \n\t\\/+@$#{}[]()<>,;`~!?%&*|^\u212A\u017F\u00e9\uD83D\uDE00";

  static Stream<Rule> builtinRules() {
    return Rules.builtin().stream();
  }

  @Test
  void acceptsEveryBuiltinRegex() {
    List<String> rejected = Rules.builtin().stream()
        .flatMap(r -> Stream.concat(Stream.of(r.regex()),
            r.allowlists().stream().flatMap(a -> a.regexes().stream())))
        .filter(regex -> Backtracker.compile(regex) == null).toList();
    assertThat(rejected).isEmpty();
  }

  /**
   * Every built-in regex, as the engine runs it (search, {@code \A}-anchored, key-start probe),
   * on its examples alone, inside random context, cut at random window bounds and mutated.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("builtinRules")
  void builtinRegexesMatchAsRe2Does(Rule rule) {
    Map<String, RuleExamples> examples = RuleExamples.builtinExamples().stream()
        .collect(Collectors.toMap(RuleExamples::ruleId, Function.identity()));
    RuleExamples ex = examples.get(rule.id());
    List<String> samples = new ArrayList<>();
    if (ex != null) {
      samples.addAll(ex.positive());
      samples.addAll(ex.negative());
    }
    samples.addAll(rule.keywords());
    Random random = new Random(rule.id().hashCode());
    List<String> inputs = new ArrayList<>();
    for (String s : samples) {
      inputs.add(s);
      for (int k = 0; k < 12; k++) {
        inputs.add(noise(random, 40) + mutate(random, s) + noise(random, 40));
      }
    }
    List<String> regexes = new ArrayList<>(List.of(rule.regex(), "\\A(?:" + rule.regex() + ")",
        "\\A(?:[A-Za-z0-9_.\\-]{0,128}?)(" + rule.regex() + ")"));
    rule.allowlists().forEach(a -> regexes.addAll(a.regexes()));
    Backtracker ruleRegex = Backtracker.compile(rule.regex());
    Pattern anchored = Pattern.compile("\\A(?:" + rule.regex() + ")");
    for (String input : inputs) {
      for (int i = 0; i <= input.length(); i++) {
        if (anchored.matcher(new Slice(input, i, input.length())).lookingAt()) {
          assertThat(ruleRegex.mayStartAt(input, i, input.length()))
              .as("a match starts at %d of %s", i, escape(input)).isTrue();
        }
      }
    }
    for (String regex : regexes) {
      Pattern re2 = Pattern.compile(regex);
      Backtracker fast = Backtracker.compile(regex);
      assertThat(fast).as(regex).isNotNull();
      for (String input : inputs) {
        assertSame(re2, fast, input, 0, input.length());
        int a = random.nextInt(input.length() + 1);
        int b = a + random.nextInt(input.length() - a + 1);
        assertSame(re2, fast, input, a, b);
      }
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(delimiterString = " on ", quoteCharacter = '`', value = {
    "(?i)key on `KEY \u212Aey \u212AEY kEy`",
    "(?i:s)[a-z]+ on `\u017Fecret Secret s\u212A`",
    "(?i)\\w+ on `a\u212Ab \u017F`",
    "(?i)\\W+ on `a\u212Ab \u017F !`",
    "(?i)[^a-z]+ on `ab\u212A12\u017F`",
    "[^\\s\"]{2,3} on `\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00ab`",
    ".{2}x on `\uD83D\uDE00\uD83D\uDE00x`",
    "\\bkey\\b on `akey key_ key. key`",
    "\\Bey on `key ey`",
    "(?m)^\\s+token:\\s*(\\S+)\\s*$ on `x\n  token: abc\n  token: \n`",
    "^a|b$ on `ab`",
    "(?:^|:|\\s)k=(\\w+) on `k=a :k=b  k=c xk=d`",
    "(?:^|x)y? on `axyx`",
    "(?:(?:^)|b)c on `cbcc`",
    "(a|ab)(c|bcd)(d*) on abcd",
    "(?:(a)|b)+ on ab",
    "(?:(a)|(b))+ on aba",
    "((a)|b)+ on ab",
    "x(?:ab){1,3}?(ab)? on xababab",
    "([a-c]+?)(c*) on abcc",
  })
  void edgeCasesMatchAsRe2Does(String regex, String input) {
    Backtracker fast = Backtracker.compile(regex);
    assertThat(fast).isNotNull();
    Pattern re2 = Pattern.compile(regex);
    for (int a = 0; a <= input.length(); a++) {
      for (int b = a; b <= input.length(); b++) {
        assertSame(re2, fast, input, a, b);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "@@", quoteCharacter = '`', value = {
    "\\x41", "\\pL", "[[:alpha:]]", "(?P<n>a)", "(?s).", "(a*)*", "(?:a?)+", "a**", "\\Qa\\E",
    "(?i)\u00e9", "(?i)[\u00e9]", "x{2000}", "a{,3}",
  })
  void refusesWhatItDoesNotModel(String regex) {
    assertThat(Backtracker.compile(regex)).isNull();
  }

  @Test
  void exponentialBacktrackingStopsAtTheBudgetAndFallsBackToRe2() {
    String regex = "(?:a|a)+b";
    Backtracker fast = Backtracker.compile(regex);
    String input = "a".repeat(40);
    int[] out = new int[2];
    assertThatThrownBy(() -> fast.match(input, 0, input.length(), 0, false, out))
        .isInstanceOf(Backtracker.BudgetExceeded.class);

    RuleRegex regexWithFallback = new RuleRegex(Pattern.compile(regex), fast);
    assertThat(regexWithFallback.matcher(input, 0, input.length()).find()).isFalse();
    String withB = input + "b";
    RuleRegex.Match m = regexWithFallback.matcher(withB, 0, withB.length());
    assertThat(m.find()).isTrue();
    assertThat(m.start()).isZero();
    assertThat(m.end()).isEqualTo(withB.length());
  }

  @Test
  void successiveCallsOnOneInputShareOneBudget() {
    Backtracker fast = Backtracker.compile("[a-z]+=([0-9]+)");
    String input = "a=1 bb=22 ccc=333";
    long[] budget = {Backtracker.budget(0, input.length())};
    int[] out = new int[4];
    assertThat(fast.match(input, 0, input.length(), 0, false, out, budget)).isTrue();
    long afterFirst = budget[0];
    assertThat(afterFirst).isLessThan(Backtracker.budget(0, input.length()));
    assertThat(fast.match(input, 0, input.length(), out[1], false, out, budget)).isTrue();
    assertThat(budget[0]).isLessThan(afterFirst);
    long[] almostSpent = {3};
    assertThatThrownBy(() -> fast.match(input, 0, input.length(), 0, false, out, almostSpent))
        .isInstanceOf(Backtracker.BudgetExceeded.class);
  }

  @Test
  void longRunsOfRepeatedGroupsFallBackToRe2InsteadOfOverflowingTheStack() {
    String regex = "(?:ab)+(c?)";
    String input = "x" + "ab".repeat(200_000) + "c";
    assertThatThrownBy(() -> Backtracker.compile(regex).match(input, 0, input.length(), 0, false,
        new int[4])).isInstanceOf(Backtracker.BudgetExceeded.class);
    RuleRegex.Match m = new RuleRegex(Pattern.compile(regex), Backtracker.compile(regex))
        .matcher(input, 0, input.length());
    assertThat(m.find()).isTrue();
    assertThat(new int[] {m.start(), m.end(), m.start(1)})
        .containsExactly(1, input.length(), input.length() - 1);
  }

  /** All successive {@code find}s, then {@code lookingAt}, on {@code s[a, b)}: same results. */
  private static void assertSame(Pattern re2, Backtracker fast, String s, int a, int b) {
    RuleRegex regex = new RuleRegex(re2, fast);
    Matcher expected = re2.matcher(new Slice(s, a, b));
    RuleRegex.Match actual = regex.matcher(s, a, b);
    int groups = re2.groupCount();
    String where = re2.pattern() + " on [" + a + ", " + b + ") of " + escape(s);
    for (int round = 0; round < 50; round++) {
      boolean found = expected.find();
      assertThat(actual.find()).as("find #%d: %s", round, where).isEqualTo(found);
      if (!found) {
        break;
      }
      for (int g = 0; g <= groups; g++) {
        assertThat(new int[] {actual.start(g), actual.end(g)})
            .as("find #%d group %d: %s", round, g, where)
            .containsExactly(expected.start(g), expected.end(g));
      }
    }
    expected = re2.matcher(new Slice(s, a, b));
    actual = regex.matcher(s, a, b);
    boolean looking = expected.lookingAt();
    assertThat(actual.lookingAt()).as("lookingAt: %s", where).isEqualTo(looking);
    if (looking) {
      for (int g = 0; g <= groups; g++) {
        assertThat(new int[] {actual.start(g), actual.end(g)})
            .as("lookingAt group %d: %s", g, where)
            .containsExactly(expected.start(g), expected.end(g));
      }
    }
  }

  private static String noise(Random r, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0, n = r.nextInt(max); i < n; i++) {
      sb.append(CONTEXT_CHARS.charAt(r.nextInt(CONTEXT_CHARS.length())));
    }
    return sb.toString();
  }

  /** Deletes, duplicates, replaces or case-flips a few chars. */
  private static String mutate(Random r, String s) {
    StringBuilder sb = new StringBuilder(s);
    for (int k = 0, n = r.nextInt(4); k < n && sb.length() > 0; k++) {
      int i = r.nextInt(sb.length());
      switch (r.nextInt(4)) {
        case 0 -> sb.deleteCharAt(i);
        case 1 -> sb.insert(i, sb.charAt(i));
        case 2 -> sb.setCharAt(i, CONTEXT_CHARS.charAt(r.nextInt(CONTEXT_CHARS.length())));
        default -> {
          char c = sb.charAt(i);
          sb.setCharAt(i, Character.isUpperCase(c) ? Character.toLowerCase(c)
              : Character.toUpperCase(c));
        }
      }
    }
    return sb.toString();
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb.toString();
  }
}
