package io.tracewarden.recording.trail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A signed checkpoint in the C2SP tlog-checkpoint / signed-note format:
 *
 * <pre>
 * &lt;origin&gt;\n&lt;tree size&gt;\n&lt;base64 root hash&gt;\n
 * \n
 * — &lt;key name&gt; &lt;base64(4-byte key id || 64-byte Ed25519 signature)&gt;\n
 * </pre>
 *
 * The signature covers the text up to and including the root line's newline.
 */
public record Checkpoint(String origin, long size, byte[] root, String keyName, byte[] keyId,
    byte[] signature) {

  private static final String DASH = "\u2014 ";

  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    root = root.clone();
    keyId = keyId.clone();
    signature = signature.clone();
  }

  public static Checkpoint sign(String origin, long size, byte[] root, SigningKey key) {
    byte[] text = text(origin, size, root).getBytes(StandardCharsets.UTF_8);
    return new Checkpoint(origin, size, root, origin, SigningKey.keyId(origin, key.publicKey()),
        key.sign(text));
  }

  static String text(String origin, long size, byte[] root) {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
  }

  public String text() {
    return text(origin, size, root);
  }

  /** The whole note, as written to disk. */
  public String note() {
    byte[] sig = new byte[keyId.length + signature.length];
    System.arraycopy(keyId, 0, sig, 0, keyId.length);
    System.arraycopy(signature, 0, sig, keyId.length, signature.length);
    return text() + "\n" + DASH + keyName + " " + Base64.getEncoder().encodeToString(sig) + "\n";
  }

  public String rootBase64() {
    return Base64.getEncoder().encodeToString(root);
  }

  /** Whether the signature was made by {@code key} under this checkpoint's key name. */
  public boolean verify(PublicKey key) {
    if (!MessageDigest.isEqual(keyId, SigningKey.keyId(keyName, key))) {
      return false;
    }
    return SigningKey.verify(key, text().getBytes(StandardCharsets.UTF_8), signature);
  }

  /**
   * Parses a note. Throws {@link IllegalArgumentException} when it is not a well-formed
   * checkpoint; of several signature lines, the one whose key name equals the origin is used.
   */
  public static Checkpoint parse(String note) {
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new IllegalArgumentException("no blank line before the signatures");
    }
    String[] lines = note.substring(0, split + 1).split("\n", -1);
    if (lines.length < 4) {
      throw new IllegalArgumentException("a checkpoint needs origin, size and root lines");
    }
    String origin = lines[0];
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad tree size line");
    }
    if (size < 0 || !lines[1].equals(Long.toString(size))) {
      throw new IllegalArgumentException("bad tree size line");
    }
    byte[] root = Base64.getDecoder().decode(lines[2]);
    if (root.length != Merkle.HASH_BYTES) {
      throw new IllegalArgumentException("root hash is not 32 bytes");
    }
    if (lines.length != 4) {
      throw new IllegalArgumentException("unexpected extension lines in the checkpoint");
    }
    String[] signatures = note.substring(split + 2).split("\n");
    for (String line : signatures) {
      if (!line.startsWith(DASH)) {
        throw new IllegalArgumentException("malformed signature line");
      }
      String rest = line.substring(DASH.length());
      int space = rest.lastIndexOf(' ');
      if (space <= 0) {
        throw new IllegalArgumentException("malformed signature line");
      }
      String name = rest.substring(0, space);
      byte[] sig = Base64.getDecoder().decode(rest.substring(space + 1));
      if (name.equals(origin) && sig.length == 4 + 64) {
        return new Checkpoint(origin, size, root, name, Arrays.copyOf(sig, 4),
            Arrays.copyOfRange(sig, 4, sig.length));
      }
    }
    throw new IllegalArgumentException("no Ed25519 signature by " + origin);
  }
}
