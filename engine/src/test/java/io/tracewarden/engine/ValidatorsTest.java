package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;

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
}
