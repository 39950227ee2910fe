package io.tracewarden.recording.trail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File-system steps that survive a crash: directory fsync and atomic replace. */
final class Durable {

  private Durable() {}

  /** Makes a directory entry change (create, rename, delete) durable; a no-op where unsupported. */
  static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for fsync; their rename is already durable enough.
    }
  }

  /** Writes {@code content} to {@code target} via a temp file, fsync, rename and directory fsync. */
  static void writeAtomically(Path target, byte[] content) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Path temp = directory.resolve("." + target.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(directory);
  }
}
