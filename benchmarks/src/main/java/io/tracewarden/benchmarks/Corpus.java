package io.tracewarden.benchmarks;

import io.tracewarden.engine.Rule;
import io.tracewarden.engine.Rules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * Deterministic generators of benchmark inputs: clean prose/code/log text that holds none of the
 * built-in pack's keywords, and agent-trace text (chat JSON with escaped newlines, tool calls and
 * outputs, shell sessions, stack traces, UUIDs, hashes) with well-formed fake secrets planted at a
 * fixed density. All output is ASCII, so one char is one UTF-8 byte.
 */
final class Corpus {

  /** Kinds of planted secret; each must be found by exactly one built-in rule. */
  enum SecretKind {
    AWS_ACCESS_KEY_ID, GITHUB_PAT, SLACK_BOT_TOKEN, OPENAI_PROJECT_KEY, ANTHROPIC_KEY,
    STRIPE_LIVE_KEY, POSTGRES_URL_PASSWORD, JWT, GENERIC_PASSWORD
  }

  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String BASE62_DASH = BASE62 + "_-";
  private static final String HEX = "0123456789abcdef";
  private static final String BASE32_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /** Words of prose, code and logs; some hold keywords (used as is only in trace text). */
  private static final String[] WORDS = (
      "the of and to in is it that for on with as was be by this are from or at an have not "
      + "but which one all were when we there can been has more if will would about their "
      + "into them only some could than other time these two may first then do any like my "
      + "now over such our man me even most made after also did many before must through "
      + "years where much your way well down should because each just those people how too "
      + "little state good very make world still own see men work long get here between "
      + "both life being under never day same another know while last might us great old year "
      + "off come since against go came right used take three states himself few house use "
      + "during without again place around however home small found thought went say part "
      + "once general high upon school every don does got united left number course war until "
      + "always away something fact though water less public put think almost hand enough far "
      + "took head yet government system better set told nothing night end why called didn "
      + "eyes find going look asked later knew point next program city business give group "
      + "toward young days let room president side social given present several order national "
      + "possible rather second face per among form important often things looked early white "
      + "case john become large big need four within felt along children saw best church ever "
      + "least power development light thing seemed family interest want members mind country "
      + "area others done turned help open god service certain kind problem began different "
      + "door thus local real knowledge agent model reasoning step plan tool call result output "
      + "input message response request function query record buffer stream file folder "
      + "directory build compile module package import export class method field value index "
      + "count total limit offset window batch queue worker thread lock timer event handler "
      + "listener config option default error warning notice debug trace span metric retry "
      + "timeout deadline latency budget cache memory heap stack frame pointer vector matrix "
      + "tensor layer weight gradient epoch sample dataset schema column table row join filter "
      + "sort merge split parse format encode decode render update delete insert select create "
      + "drop alter commit branch rebase review patch diff hunk line word char byte offset "
      + "length width height depth node edge graph tree path route handler server client host "
      + "port socket channel frame header body payload chunk cursor iterator generator yield "
      + "async await promise future task job scheduler cron daemon process signal pipe shell "
      + "command script runner test suite assert expect mock fixture coverage benchmark profile "
      + "session token secret password account access storage azure github api basic bearer "
      + "machine routing connect together integration security vault redis kafka mysql").split(" ");

  private static final String[] LEVELS = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
  private static final String[] JAVA_EXCEPTIONS = {
    "java.lang.IllegalStateException", "java.io.UncheckedIOException",
    "java.lang.NullPointerException", "java.util.NoSuchElementException",
    "java.lang.IllegalArgumentException"
  };

  private final SplittableRandom random;
  private final List<String> cleanWords;
  private final List<String> keywords;
  /** Vocabulary words dropped from clean text because they hold a keyword. */
  final int droppedWords;
  /** Generated clean lines rejected because a keyword formed across word boundaries. */
  int rejectedLines;
  /** Secrets planted by {@link #realisticTrace}. */
  final List<String> planted = new ArrayList<>();
  /** The secret of the last {@link #secretLine}. */
  String lastSecret;

  Corpus(long seed) {
    random = new SplittableRandom(seed);
    keywords = keywordsOf(Rules.builtin());
    cleanWords = new ArrayList<>();
    int dropped = 0;
    for (String w : WORDS) {
      // Words also meet '.', '-', '_', '=', ':' and '/' in generated text.
      String probe = " " + w + ". -" + w + "- _" + w + "_ " + w + "= :" + w + "/ " + w + ":";
      if (countKeywordHits(probe) == 0) {
        cleanWords.add(w);
      } else {
        dropped++;
      }
    }
    droppedWords = dropped;
  }

  /** The folded keywords of all rules. */
  static List<String> keywordsOf(List<Rule> rules) {
    TreeSet<String> set = new TreeSet<>();
    for (Rule r : rules) {
      for (String k : r.keywords()) {
        set.add(k.toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(set);
  }

  /** Occurrences of any keyword in {@code text} (case-insensitive, overlapping hits counted). */
  int countKeywordHits(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    int hits = 0;
    for (String k : keywords) {
      for (int i = lower.indexOf(k); i >= 0; i = lower.indexOf(k, i + 1)) {
        hits++;
      }
    }
    return hits;
  }

  // ------------------------------------------------------------------ clean text

  /** Exactly {@code size} chars of prose, code, logs and JSON logs with no keyword at all. */
  String cleanText(int size) {
    StringBuilder sb = new StringBuilder(size + 4096);
    while (sb.length() < size) {
      String segment = switch (random.nextInt(4)) {
        case 0 -> prose(cleanWords, 3 + random.nextInt(5)) + "\n\n";
        case 1 -> code(cleanWords, 6 + random.nextInt(14));
        case 2 -> logLines(cleanWords, 5 + random.nextInt(15), false);
        default -> jsonLogLines(cleanWords, 3 + random.nextInt(8));
      };
      for (String line : segment.split("\n", -1)) {
        if (countKeywordHits(line) == 0) {
          sb.append(line).append('\n');
        } else {
          rejectedLines++;
        }
      }
    }
    return fit(sb, size);
  }

  // ------------------------------------------------------------------ agent traces

  /**
   * Exactly {@code size} chars of agent-trace text with one planted secret per {@code
   * bytesPerSecret} chars (on average); the secrets are recorded in {@link #planted}.
   */
  String realisticTrace(int size, int bytesPerSecret) {
    StringBuilder sb = new StringBuilder(size + 8192);
    List<String> all = List.of(WORDS);
    List<String> pending = new ArrayList<>();
    while (true) {
      // Segments are often longer than bytesPerSecret: a segment carries as many secret lines as
      // it takes to keep the density at one per bytesPerSecret.
      pending.clear();
      String secretLine = null;
      while (sb.length() + bytesPerSecret / 2
          >= (long) (planted.size() + pending.size() + 1) * bytesPerSecret) {
        String line = secretLine(random.nextInt(SecretKind.values().length));
        secretLine = secretLine == null ? line : secretLine + "\n" + line;
        pending.add(lastSecret);
      }
      String segment = switch (random.nextInt(6)) {
        case 0 -> chatMessage(all, secretLine);
        case 1 -> toolCall(all, secretLine);
        case 2 -> shellSession(all, secretLine);
        case 3 -> stackTrace(secretLine);
        case 4 -> logLines(all, 4 + random.nextInt(10), true) + orEmpty(secretLine);
        default -> code(all, 5 + random.nextInt(12)) + orEmpty(secretLine);
      };
      if (sb.length() + segment.length() > size) {
        break;
      }
      sb.append(segment);
      planted.addAll(pending);
    }
    return fit(sb, size);
  }

  /** One secret-bearing line of the given kind; the secret itself is left in {@link #lastSecret}. */
  String secretLine(int kind) {
    SecretKind k = SecretKind.values()[kind];
    String s;
    String line;
    switch (k) {
      case AWS_ACCESS_KEY_ID -> {
        s = "AKIA" + chars(BASE32_UPPER, 16);
        line = "AWS_ACCESS_KEY_ID=" + s;
      }
      case GITHUB_PAT -> {
        String body = chars(BASE62, 30);
        s = "ghp_" + body + crc32Base62(body);
        line = "export GITHUB_TOKEN=" + s;
      }
      case SLACK_BOT_TOKEN -> {
        s = "xoxb-" + chars("0123456789", 12) + "-" + chars("0123456789", 13) + "-"
            + chars(BASE62, 24 + random.nextInt(10));
        line = "slack_bot = \"" + s + "\"";
      }
      case OPENAI_PROJECT_KEY -> {
        s = "sk-proj-" + chars(BASE62_DASH, 60 + random.nextInt(100));
        line = "curl https://llm.internal/v1/chat -H 'Authorization: Bearer " + s + "'";
      }
      case ANTHROPIC_KEY -> {
        s = "sk-ant-api03-" + chars(BASE62_DASH, 93) + "AA";
        line = "ANTHROPIC_API_KEY=" + s;
      }
      case STRIPE_LIVE_KEY -> {
        s = "sk_live_" + chars(BASE62, 24 + random.nextInt(70));
        line = "stripe.api_key = '" + s + "'";
      }
      case POSTGRES_URL_PASSWORD -> {
        s = chars(BASE62, 14 + random.nextInt(10));
        line = "DATABASE_URL=postgres://orders_rw:" + s + "@db-" + random.nextInt(9)
            + ".internal:5432/orders";
      }
      case JWT -> {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));
        String payload = b64.encodeToString(("{\"sub\":\"" + uuid() + "\",\"iat\":"
            + (1_760_000_000 + random.nextInt(10_000_000)) + "}")
            .getBytes(StandardCharsets.US_ASCII));
        byte[] sig = new byte[32];
        new Random(random.nextLong()).nextBytes(sig);
        s = header + "." + payload + "." + b64.encodeToString(sig);
        line = "Cookie: session_jwt=" + s;
      }
      default -> {
        s = chars(BASE62, 6) + "!" + chars(BASE62, 10);
        line = "DB_PASSWORD=" + s;
      }
    }
    lastSecret = s;
    return line;
  }

  private String chatMessage(List<String> words, String secretLine) {
    StringBuilder content = new StringBuilder();
    content.append(prose(words, 1 + random.nextInt(3))).append("\n\n");
    if (random.nextBoolean()) {
      content.append("```java\n").append(code(words, 4 + random.nextInt(8))).append("```\n");
    }
    if (secretLine != null) {
      content.append("Here is my config:\n").append(secretLine).append('\n');
    }
    content.append(prose(words, 1));
    String role = random.nextBoolean() ? "user" : "assistant";
    return "{\"role\":\"" + role + "\",\"parts\":[{\"type\":\"text\",\"content\":\""
        + jsonEscape(content.toString()) + "\"}],\"id\":\"msg_" + chars(BASE62, 24) + "\"}\n";
  }

  private String toolCall(List<String> words, String secretLine) {
    String cmd = secretLine != null ? secretLine + " && ./gradlew test --info"
        : "grep -rn \"" + word(words) + "\" src/main/java | head -" + (10 + random.nextInt(40));
    String args = "{\"command\":\"" + jsonEscape(cmd) + "\",\"cwd\":\"/workspace/"
        + word(words) + "\",\"timeout_ms\":" + (1000 * (1 + random.nextInt(120))) + "}";
    return "{\"type\":\"tool_call\",\"id\":\"call_" + chars(BASE62, 24)
        + "\",\"name\":\"run_shell\",\"arguments\":\"" + jsonEscape(args) + "\"}\n"
        + "{\"type\":\"tool_call_response\",\"id\":\"call_" + chars(BASE62, 24)
        + "\",\"result\":\"" + jsonEscape(logLines(words, 3 + random.nextInt(8), true))
        + "\"}\n";
  }

  private String shellSession(List<String> words, String secretLine) {
    StringBuilder sb = new StringBuilder();
    sb.append("$ git log --oneline -n 5\n");
    for (int i = 0; i < 5; i++) {
      sb.append(chars(HEX, 7)).append(' ').append(prose(words, 1)).append('\n');
    }
    sb.append("$ ls -la ").append(word(words)).append('\n');
    for (int i = 0, n = 3 + random.nextInt(6); i < n; i++) {
      sb.append("-rw-r--r--  1 dev  staff  ").append(random.nextInt(90_000)).append(" Nov ")
          .append(1 + random.nextInt(28)).append(" 10:").append(10 + random.nextInt(50))
          .append(' ').append(word(words)).append('_').append(word(words)).append(".py\n");
    }
    sb.append("$ sha256sum dist/*.tar.gz\n").append(chars(HEX, 64)).append("  dist/")
        .append(word(words)).append("-1.").append(random.nextInt(20)).append(".tar.gz\n");
    if (secretLine != null) {
      sb.append("$ cat .env\nLOG_LEVEL=debug\n").append(secretLine).append("\nREGION=eu-west-1\n");
    }
    return sb.toString();
  }

  private String stackTrace(String secretLine) {
    StringBuilder sb = new StringBuilder();
    String ex = JAVA_EXCEPTIONS[random.nextInt(JAVA_EXCEPTIONS.length)];
    sb.append(ex).append(": request ").append(uuid()).append(" failed");
    if (secretLine != null) {
      sb.append(" with ").append(secretLine);
    }
    sb.append('\n');
    for (int i = 0, n = 8 + random.nextInt(16); i < n; i++) {
      String cls = capitalize(word(List.of(WORDS))) + capitalize(word(List.of(WORDS)));
      sb.append("\tat io.acme.").append(word(List.of(WORDS))).append('.').append(cls).append('.')
          .append(word(List.of(WORDS))).append('(').append(cls).append(".java:")
          .append(1 + random.nextInt(900)).append(")\n");
    }
    sb.append("\t... ").append(random.nextInt(40)).append(" more\n");
    return sb.toString();
  }

  private String prose(List<String> words, int sentences) {
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < sentences; s++) {
      int n = 8 + random.nextInt(13);
      for (int i = 0; i < n; i++) {
        String w = word(words);
        sb.append(i == 0 ? capitalize(w) : w);
        sb.append(i == n - 1 ? ". " : random.nextInt(12) == 0 ? ", " : " ");
      }
    }
    return sb.toString().trim();
  }

  private String code(List<String> words, int lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      String a = word(words) + capitalize(word(words));
      String b = word(words) + capitalize(word(words));
      switch (random.nextInt(5)) {
        case 0 -> sb.append("    final int ").append(a).append(" = ").append(b).append('(')
            .append(word(words)).append(", ").append(random.nextInt(1000)).append(");\n");
        case 1 -> sb.append("    if (").append(a).append(" > ").append(random.nextInt(64))
            .append(") {\n      return ").append(b).append(";\n    }\n");
        case 2 -> sb.append("    // ").append(prose(words, 1)).append('\n');
        case 3 -> sb.append("    System.out.println(\"").append(word(words)).append(' ')
            .append(word(words)).append(": \" + ").append(a).append(");\n");
        default -> sb.append("    for (int i = 0; i < ").append(a).append(".size(); i++) {\n")
            .append("      ").append(b).append(".add(").append(a).append(".get(i));\n    }\n");
      }
    }
    return sb.toString();
  }

  private String logLines(List<String> words, int lines, boolean ids) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      sb.append("2025-11-").append(10 + random.nextInt(18)).append('T')
          .append(10 + random.nextInt(13)).append(':').append(10 + random.nextInt(50))
          .append(':').append(10 + random.nextInt(50)).append('.').append(100 + random.nextInt(900))
          .append("Z ").append(LEVELS[random.nextInt(LEVELS.length)]).append(" [worker-")
          .append(random.nextInt(16)).append("] ").append(word(words)).append('.')
          .append(capitalize(word(words))).append(" - ").append(prose(words, 1));
      if (ids) {
        sb.append(" request=").append(uuid()).append(" digest=").append(chars(HEX, 40));
      }
      sb.append(" duration=").append(random.nextInt(5000)).append("ms\n");
    }
    return sb.toString();
  }

  private String jsonLogLines(List<String> words, int lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      sb.append("{\"level\":\"").append(LEVELS[random.nextInt(LEVELS.length)].toLowerCase(
          Locale.ROOT)).append("\",\"msg\":\"").append(jsonEscape(prose(words, 1) + "\n"
          + prose(words, 1))).append("\",\"count\":").append(random.nextInt(100_000))
          .append("}\n");
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ helpers

  /** Truncates at the last line end before {@code size} and pads with blank lines to it. */
  private static String fit(StringBuilder sb, int size) {
    if (sb.length() > size) {
      int cut = sb.lastIndexOf("\n", size - 1);
      sb.setLength(cut + 1);
    }
    while (sb.length() < size) {
      sb.append(sb.length() % 64 == 63 ? '\n' : ' ');
    }
    return sb.toString();
  }

  private static String orEmpty(String line) {
    return line == null ? "" : line + "\n";
  }

  String word(List<String> words) {
    return words.get(random.nextInt(words.size()));
  }

  String chars(String alphabet, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return new String(c);
  }

  String uuid() {
    return chars(HEX, 8) + "-" + chars(HEX, 4) + "-4" + chars(HEX, 3) + "-a" + chars(HEX, 3) + "-"
        + chars(HEX, 12);
  }

  List<String> cleanWords() {
    return cleanWords;
  }

  List<String> allWords() {
    return List.of(WORDS);
  }

  String cleanProse(int sentences) {
    return prose(cleanWords, sentences);
  }

  String traceProse(int sentences) {
    return prose(List.of(WORDS), sentences);
  }

  String traceCode(int lines) {
    return code(List.of(WORDS), lines);
  }

  static String jsonEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String capitalize(String w) {
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }

  /** GitHub's token checksum: CRC32 of the body in 6 base62 digits. */
  private static String crc32Base62(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    char[] out = new char[6];
    for (int i = 5; i >= 0; i--) {
      out[i] = BASE62.charAt((int) (v % 62));
      v /= 62;
    }
    return new String(out);
  }
}
