package io.tracewarden.recording.trail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a trail keeps its files: {@code segments/<first seq, 20 digits>.seg},
 * {@code checkpoints/<size>.ckpt}, {@code checkpoint} (the latest) and {@code keys/}.
 */
public final class Layout {

  public static final HexFormat HEX = HexFormat.of();
  private static final Pattern SEGMENT = Pattern.compile("[0-9]{20}\\.seg");
  private static final Pattern CHECKPOINT = Pattern.compile("[0-9]+\\.ckpt");

  private final Path directory;

  public Layout(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  public Path segments() {
    return directory.resolve("segments");
  }

  public Path checkpoints() {
    return directory.resolve("checkpoints");
  }

  public Path latestCheckpoint() {
    return directory.resolve("checkpoint");
  }

  public Path keys() {
    return directory.resolve("keys");
  }

  public Path defaultSigningKey() {
    return keys().resolve("signing.key");
  }

  public Path defaultPublicKey() {
    return keys().resolve("signing.pub");
  }

  public static String segmentName(long firstSeq) {
    return String.format("%020d.seg", firstSeq);
  }

  public static long firstSeq(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - 4));
  }

  /** Segment files in write order. */
  public List<Path> listSegments() throws IOException {
    return list(segments(), SEGMENT);
  }

  /** Stored checkpoint files, smallest tree first. */
  public List<Path> listCheckpoints() throws IOException {
    List<Path> files = list(checkpoints(), CHECKPOINT);
    files.sort((a, b) -> Long.compare(checkpointSize(a), checkpointSize(b)));
    return files;
  }

  static long checkpointSize(Path file) {
    String name = file.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - 5));
  }

  private static List<Path> list(Path directory, Pattern pattern) throws IOException {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return files;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path file : stream) {
        if (pattern.matcher(file.getFileName().toString()).matches()) {
          files.add(file);
        }
      }
    }
    files.sort(null);
    return files;
  }
}
