package io.tracewarden.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed fingerprints of secrets: the same secret under the same key always gives the same
 * fingerprint, which cannot be reversed to the secret.
 */
public final class Fingerprints {

  /** Length in bytes of keys created by {@link #loadOrCreateKey(Path)}. */
  public static final int KEY_BYTES = 32;

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final Set<PosixFilePermission> OWNER_RW =
      PosixFilePermissions.fromString("rw-------");

  private Fingerprints() {}

  /** First 8 lower-case hex chars of HMAC-SHA256(key, UTF-8 bytes of secret). */
  public static String of(byte[] key, String secret) {
    return of(newMac(key), secret);
  }

  /** Same as {@link #of(byte[], String)} with an initialised HMAC-SHA256 (reset after use). */
  static String of(Mac mac, String secret) {
    byte[] h = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    char[] out = new char[8];
    for (int i = 0; i < 4; i++) {
      out[2 * i] = HEX[(h[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[h[i] & 0xF];
    }
    return new String(out);
  }

  static Mac newMac(byte[] key) {
    Objects.requireNonNull(key, "fingerprint key");
    if (key.length == 0) {
      throw new IllegalArgumentException("fingerprint key must not be empty");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * Reads the key in {@code keyFile}, or creates it: {@value #KEY_BYTES} random bytes, written
   * once with owner-only permissions ({@code rw-------} where the file system is POSIX), parent
   * directories created. A concurrent creator wins the race; its key is then read.
   *
   * @throws IOException if the file cannot be read or created, or is empty
   */
  public static byte[] loadOrCreateKey(Path keyFile) throws IOException {
    Objects.requireNonNull(keyFile, "keyFile");
    if (Files.exists(keyFile)) {
      return readKey(keyFile);
    }
    Path parent = keyFile.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    boolean posix = keyFile.getFileSystem().supportedFileAttributeViews().contains("posix");
    try {
      if (posix) {
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(OWNER_RW));
      } else {
        Files.createFile(keyFile);
      }
    } catch (FileAlreadyExistsException e) {
      return readKey(keyFile);
    }
    Files.write(keyFile, key, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    if (posix) {
      Files.setPosixFilePermissions(keyFile, OWNER_RW); // in case the umask widened it
    }
    return key;
  }

  private static byte[] readKey(Path keyFile) throws IOException {
    byte[] key = Files.readAllBytes(keyFile);
    if (key.length == 0) {
      throw new IOException("fingerprint key file is empty: " + keyFile);
    }
    return key;
  }
}
