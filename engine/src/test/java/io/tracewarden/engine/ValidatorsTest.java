package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tracewarden.engine.internal.Placeholders;
import io.tracewarden.engine.internal.Validators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidatorsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"})
  void githubTokenWithValidChecksumPasses(String prefix) {
    assertThat(Validators.githubToken(TestSupport.githubToken(prefix, prefix.hashCode())))
        .isTrue();
  }

  @Test
  void githubTokenWithWrongChecksumFails() {
    assertThat(Validators.githubToken(TestSupport.githubTokenBadChecksum(7))).isFalse();
  }

  @Test
  void githubChecksumMatchesIndependentImplementation() {
    assertThat(Validators.crc32Base62("abcdefghijklmnopqrstuvwxyz0123"))
        .isEqualTo(TestSupport.checksum("abcdefghijklmnopqrstuvwxyz0123"));
  }

  @Test
  void fineGrainedGithubTokensAreNotChecksummed() {
    assertThat(Validators.githubToken("github_pat_11ABCDEFG0123456789_abcdefghijklmnop")).isTrue();
  }

  @Test
  void npmTokenChecksum() {
    String valid = TestSupport.npmToken(3);
    assertThat(Validators.npmToken(valid)).isTrue();
    assertThat(Validators.npmToken(valid.substring(0, 39) + (valid.endsWith("Z") ? "Y" : "Z")))
        .isFalse();
  }

  @Test
  void jwtWithAlgHeaderPasses() {
    assertThat(Validators.jwt(TestSupport.jwt())).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "eyJub3RhbGciOiJ4In0.eyJzdWIiOiIxIn0.c2ln", // header without alg
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", // two parts
    "eyJhbGciOiJIUzI1NiJ9.!!!.c2ln", // payload not base64
    "eyJhbGciOiJIUzI1NiJ9X.eyJzdWIiOiIxIn0.c2ln", // header not JSON
  })
  void malformedJwtFails(String token) {
    assertThat(Validators.jwt(token)).isFalse();
  }

  @Test
  void pemWithBase64BodyPasses() {
    assertThat(Validators.pem(TestSupport.pemKey())).isTrue();
  }

  @Test
  void pemWithLiteralBackslashNLinesPasses() {
    assertThat(Validators.pem(TestSupport.pemKey().replace("\n", "\\n"))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----\n<your key here, paste it in this place please ok>\n"
        + "-----END PRIVATE KEY-----",
  })
  void implausiblePemFails(String pem) {
    assertThat(Validators.pem(pem)).isFalse();
  }

  @Test
  void entropyOfUniformAndRandomStrings() {
    assertThat(Validators.entropy("aaaaaaaa")).isZero();
    assertThat(Validators.entropy("abcd")).isEqualTo(2.0);
    assertThat(Validators.entropy(TestSupport.githubToken("ghp_", 1))).isGreaterThan(4.0);
  }

  @Test
  void entropyAgreesWithTheTextbookSumOverCharFrequencies() {
    java.util.Random random = new java.util.Random(42);
    String alphabet = "aaAB01+/_-é€\uD83D\uDE00" + "x".repeat(300);
    for (int k = 0; k < 2_000; k++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(k % 10 == 0 ? 600 : 80);
      // Small alphabets give counts past the lookup table; wide ones give many distinct chars.
      int width = 2 + random.nextInt(alphabet.length() - 2);
      for (int i = 0; i < n; i++) {
        sb.append(alphabet.charAt(random.nextInt(width)));
      }
      String s = sb.toString();
      java.util.Map<Character, Integer> counts = new java.util.HashMap<>();
      s.chars().forEach(c -> counts.merge((char) c, 1, Integer::sum));
      double expected = 0;
      for (int c : counts.values()) {
        double p = (double) c / n;
        expected -= p * Math.log(p) / Math.log(2);
      }
      assertThat(Validators.entropy(s)).as(s).isCloseTo(expected, within(1e-9));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "<YOUR_API_KEY>", "xxxxxxxxxxxxxxxxxxxx", "sk-xxxxxxxxxxxxxxxxxxxx", "********", "${API_KEY}",
    "{{ api_key }}", "os.environ['API_KEY']", "process.env.API_KEY", "changeme",
    "your-api-key", "YOUR_SECRET_HERE", "AKIAIOSFODNN7EXAMPLE", "aaaaaaaaaaaaaaaa",
    "0000000000000000", "[REDACTED:aws-access-key-id:1a2b3c4d]",
  })
  void placeholdersAreRecognised(String value) {
    assertThat(Placeholders.isPlaceholder(value)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"AKIAZ3MBQXNUV7R2LK4D", "hunter2-Tr0ub4dor&3", "s3cr3tP4ssw0rdX"})
  void realLookingValuesAreNotPlaceholders(String value) {
    assertThat(Placeholders.isPlaceholder(value)).isFalse();
  }

  /** The ASCII path (one automaton pass, no lower-cased copy) against the definition. */
  @Test
  void placeholdersAsLowerCasingDefinesThem() {
    // The second alphabet is small, so that one char often makes up most of a value.
    String[] alphabets = {
      "exampleEXAMPLEchangeCHANGE_-meyourYOURkeyKEY$<>[]{}*.(%=aA0x\u2022\u0130",
      "aAb0\u00e9\u00c9"};
    java.util.Random random = new java.util.Random(11);
    for (int round = 0; round < 100_000; round++) {
      String alphabet = alphabets[round % 2];
      StringBuilder sb = new StringBuilder();
      for (int i = 0, n = 1 + random.nextInt(random.nextBoolean() ? 8 : 40); i < n; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String value = sb.toString();
      assertThat(Placeholders.isPlaceholder(value)).as(value)
          .isEqualTo(placeholderByDefinition(value));
    }
  }

  /** {@code Placeholders} as written before its ASCII path: on a lower-cased copy. */
  private static boolean placeholderByDefinition(String secret) {
    String s = secret.toLowerCase(java.util.Locale.ROOT);
    for (String w : new String[] {"example", "changeme", "change_me", "change-me", "placeholder",
        "your-", "your_", "yourapi", "yourkey", "yoursecret", "yourtoken", "yourpassword",
        "redacted", "os.environ", "process.env", "getenv(", "env[", "env(", "${", "{{", "%(",
        "<%=", "dummy", "replace_me", "replaceme", "insert_", "insert-", "xxxxx", "*****",
        "....", "\u2022\u2022\u2022", "sample_key", "fake_key", "foobar", "secrets."}) {
      if (s.contains(w)) {
        return true;
      }
    }
    char first = s.charAt(0);
    char last = s.charAt(secret.length() - 1);
    if ((first == '<' && last == '>') || (first == '[' && last == ']')
        || (first == '{' && last == '}') || s.startsWith("$") || s.startsWith("***")) {
      return true;
    }
    int n = s.length();
    if (n < 6) {
      return s.chars().distinct().count() == 1;
    }
    int[] counts = new int[128];
    int max = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 128) {
        max = Math.max(max, ++counts[c]);
      }
    }
    return max * 10 >= n * 6;
  }
}
