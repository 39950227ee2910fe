package io.tracewarden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintsTest {

  @TempDir Path dir;

  @Test
  void isFirstEightHexCharsOfHmacSha256() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(TestSupport.KEY, "HmacSHA256"));
    String expected = HexFormat.of()
        .formatHex(mac.doFinal("s3cret".getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    assertThat(Fingerprints.of(TestSupport.KEY, "s3cret")).isEqualTo(expected);
  }

  @Test
  void isStableForSameKeyAndSecret() {
    assertThat(Fingerprints.of(TestSupport.KEY, "abc"))
        .isEqualTo(Fingerprints.of(TestSupport.KEY.clone(), "abc"))
        .hasSize(8)
        .isNotEqualTo(Fingerprints.of("other".getBytes(StandardCharsets.UTF_8), "abc"));
  }

  @Test
  void keyFileIsCreatedOnceWithOwnerOnlyPermissions() throws Exception {
    Path file = dir.resolve("a/b/fingerprint.key");
    byte[] first = Fingerprints.loadOrCreateKey(file);
    byte[] second = Fingerprints.loadOrCreateKey(file);
    assertThat(first).hasSize(32).isEqualTo(second);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void existingKeyFileIsRead() throws Exception {
    Path file = dir.resolve("k");
    Files.write(file, new byte[] {1, 2, 3});
    assertThat(Fingerprints.loadOrCreateKey(file)).containsExactly(1, 2, 3);
  }
}
