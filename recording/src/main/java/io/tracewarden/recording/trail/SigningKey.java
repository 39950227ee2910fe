package io.tracewarden.recording.trail;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * The Ed25519 key that signs checkpoints: a PKCS#8 PEM private key (owner-only) and, beside it,
 * the X.509 SubjectPublicKeyInfo PEM public key ({@code signing.key} → {@code signing.pub}).
 */
public final class SigningKey {

  /** Signature type byte of Ed25519 in C2SP signed-note key ids. */
  static final byte ED25519 = 0x01;
  private static final int RAW_PUBLIC_BYTES = 32;

  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** The public key file that belongs to {@code privateKeyFile}. */
  public static Path publicKeyFile(Path privateKeyFile) {
    String name = privateKeyFile.getFileName().toString();
    String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
    return privateKeyFile.resolveSibling(base + ".pub");
  }

  /** Loads the key pair, generating and storing one when the private key file is absent. */
  public static SigningKey loadOrCreate(Path privateKeyFile) throws IOException {
    Path publicFile = publicKeyFile(privateKeyFile);
    if (!Files.exists(privateKeyFile)) {
      KeyPair pair;
      try {
        pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IOException("this JVM cannot generate Ed25519 keys", e);
      }
      Path parent = privateKeyFile.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      writeOwnerOnly(privateKeyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      Durable.syncDirectory(parent);
      return new SigningKey(pair.getPrivate(), pair.getPublic());
    }
    PrivateKey privateKey;
    try {
      privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(
          new PKCS8EncodedKeySpec(unpem(Files.readString(privateKeyFile), "PRIVATE KEY")));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("cannot read the Ed25519 private key " + privateKeyFile
          + " (expected PKCS#8 PEM)");
    }
    if (!Files.exists(publicFile)) {
      throw new IOException("the public key " + publicFile + " of " + privateKeyFile
          + " is missing: restore it (it cannot be derived here)");
    }
    PublicKey publicKey = readPublicKey(publicFile);
    SigningKey key = new SigningKey(privateKey, publicKey);
    byte[] probe = "tracewarden key check".getBytes(StandardCharsets.UTF_8);
    if (!verify(publicKey, probe, key.sign(probe))) {
      throw new IOException("the public key " + publicFile + " does not match " + privateKeyFile);
    }
    return key;
  }

  public static PublicKey readPublicKey(Path file) throws IOException {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(
          new X509EncodedKeySpec(unpem(Files.readString(file), "PUBLIC KEY")));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("cannot read the Ed25519 public key " + file
          + " (expected X.509 SubjectPublicKeyInfo PEM)");
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public byte[] sign(byte[] message) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(privateKey);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  public static boolean verify(PublicKey key, byte[] message, byte[] signatureBytes) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initVerify(key);
      signature.update(message);
      return signature.verify(signatureBytes);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The 32 raw bytes of an Ed25519 public key (the tail of its SubjectPublicKeyInfo). */
  public static byte[] raw(PublicKey key) {
    byte[] encoded = key.getEncoded();
    return Arrays.copyOfRange(encoded, encoded.length - RAW_PUBLIC_BYTES, encoded.length);
  }

  /** C2SP signed-note key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || key). */
  public static byte[] keyId(String keyName, PublicKey key) {
    MessageDigest digest = Merkle.sha256();
    digest.update(keyName.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
    digest.update(ED25519);
    digest.update(raw(key));
    return Arrays.copyOf(digest.digest(), 4);
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  static byte[] unpem(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("not a " + label + " PEM");
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not POSIX: the directory's ACLs apply
    } catch (FileAlreadyExistsException e) {
      throw new IOException("key file " + file + " appeared concurrently");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
      channel.force(true);
    }
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(file, Set.of(
          java.nio.file.attribute.PosixFilePermission.OWNER_READ,
          java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
    }
  }
}
