package io.tracewarden.recording.cli;

import io.tracewarden.recording.trail.Layout;
import io.tracewarden.recording.trail.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;

/** Shared option handling of the audit subcommands. */
final class Trails {

  private Trails() {}

  static Path requireDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("no trail directory " + dir);
    }
    return dir;
  }

  static PublicKey publicKey(Path file, Path dir) throws IOException {
    Path chosen = file != null ? file : new Layout(dir).defaultPublicKey();
    if (!Files.exists(chosen)) {
      throw new IOException("public key " + chosen + " not found (give --public-key)");
    }
    return SigningKey.readPublicKey(chosen);
  }
}
