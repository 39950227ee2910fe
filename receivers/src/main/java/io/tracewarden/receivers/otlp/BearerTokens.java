package io.tracewarden.receivers.otlp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Bearer tokens and the subject each authenticates. Entries are {@code subject:token} (split at
 * the first colon); in a file one per line, in an environment variable separated by commas or
 * newlines; blank lines and lines starting with {@code #} are ignored. Tokens are kept only as
 * SHA-256 digests and compared in constant time; no token ever appears in a message.
 */
final class BearerTokens {

  private final List<byte[]> digests;
  private final List<String> subjects;

  private BearerTokens(List<byte[]> digests, List<String> subjects) {
    this.digests = digests;
    this.subjects = subjects;
  }

  /** Loads the configured sources; throws with a message naming the source, never a token. */
  static BearerTokens load(OtlpReceiverConfig.Auth auth, Function<String, String> env)
      throws IOException {
    List<byte[]> digests = new ArrayList<>();
    List<String> subjects = new ArrayList<>();
    if (auth.bearerTokensFile().isPresent()) {
      Path file = auth.bearerTokensFile().get();
      String text = Files.readString(file, StandardCharsets.UTF_8);
      parse(text.split("\n"), "bearer_tokens_file " + file, digests, subjects);
    }
    if (auth.bearerTokensEnv().isPresent()) {
      String name = auth.bearerTokensEnv().get();
      String text = env.apply(name);
      if (text == null) {
        throw new IllegalArgumentException("bearer_tokens_env: variable " + name + " is not set");
      }
      parse(text.split("[,\n]"), "bearer_tokens_env " + name, digests, subjects);
    }
    if (digests.isEmpty()) {
      throw new IllegalArgumentException("auth: no bearer tokens configured");
    }
    return new BearerTokens(List.copyOf(digests), List.copyOf(subjects));
  }

  private static void parse(String[] entries, String source, List<byte[]> digests,
      List<String> subjects) {
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      if (entry.isEmpty() || entry.startsWith("#")) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw new IllegalArgumentException(
            source + ": entry " + (i + 1) + " must be subject:token");
      }
      subjects.add(entry.substring(0, colon).strip());
      digests.add(sha256(entry.substring(colon + 1).strip()));
    }
  }

  /** The subject of the {@code Authorization} header's bearer token, or null if it has none. */
  String authenticate(String authorization) {
    if (authorization == null || authorization.length() < 8
        || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    byte[] presented = sha256(authorization.substring(7).strip());
    String subject = null;
    for (int i = 0; i < digests.size(); i++) {
      // Compare against every entry so timing does not reveal which one matched.
      if (MessageDigest.isEqual(digests.get(i), presented) && subject == null) {
        subject = subjects.get(i);
      }
    }
    return subject;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "BearerTokens[" + digests.size() + " tokens]";
  }
}
