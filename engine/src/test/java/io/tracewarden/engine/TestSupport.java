package io.tracewarden.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/** Test rules, keys and realistic fake secrets. */
final class TestSupport {

  static final byte[] KEY = "test-fingerprint-key-0123456789ab".getBytes(StandardCharsets.UTF_8);
  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static List<Rule> rules;

  private TestSupport() {}

  static synchronized List<Rule> rules() {
    if (rules == null) {
      try (InputStream in = TestSupport.class.getResourceAsStream("/rules/test-rules.yaml")) {
        rules = Rules.fromYaml(in, "test-rules.yaml");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return rules;
  }

  static SecretEngine.Builder builder() {
    return SecretEngine.builder().addRules(rules()).fingerprintKey(KEY);
  }

  static SecretEngine engine() {
    return builder().build();
  }

  /** A GitHub classic token with a valid CRC32 checksum, computed independently of the engine. */
  static String githubToken(String prefix, long seed) {
    String body = randomBase62(new Random(seed), 30);
    return prefix + body + checksum(body);
  }

  /** Same shape, checksum off by one char. */
  static String githubTokenBadChecksum(long seed) {
    String valid = githubToken("ghp_", seed);
    char last = valid.charAt(valid.length() - 1);
    return valid.substring(0, valid.length() - 1) + (last == 'a' ? 'b' : 'a');
  }

  static String npmToken(long seed) {
    String body = randomBase62(new Random(seed), 30);
    return "npm_" + body + checksum(body);
  }

  static String checksum(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    StringBuilder sb = new StringBuilder();
    while (v > 0) {
      sb.append(BASE62.charAt((int) (v % 62)));
      v /= 62;
    }
    while (sb.length() < 6) {
      sb.append('0');
    }
    return sb.reverse().toString();
  }

  static String randomBase62(Random r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(BASE62.charAt(r.nextInt(62)));
    }
    return sb.toString();
  }

  /** A real RSA private key in PEM (PKCS#8 body under an RSA header, which is fine here). */
  static String pemKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(1024);
      byte[] der = g.generateKeyPair().getPrivate().getEncoded();
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(der);
      return "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----";
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String jwt() {
    Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
    return e.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + e.encodeToString("{\"sub\":\"1234567890\",\"name\":\"Ada\",\"iat\":1516239022}"
            .getBytes(StandardCharsets.UTF_8))
        + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  }

  static final String AWS_KEY = "AKIAZ3MBQXNUV7R2LK4D";
}
