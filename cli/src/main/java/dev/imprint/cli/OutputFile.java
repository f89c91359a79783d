package dev.imprint.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes a file so that a crash leaves its old content or its new, never an empty or torn file:
 * a temporary file in the same directory, forced to the disk, moved over the target, and then
 * the directory forced so that the rename itself survives (where the platform lets a directory
 * be opened; elsewhere the rename is as durable as the file system makes it).
 */
final class OutputFile {
  private static final LongAdder FILES_FORCED = new LongAdder();
  private static final LongAdder DIRECTORIES_FORCED = new LongAdder();

  private OutputFile() {}

  static void writeAtomically(Path file, String content) throws IOException {
    replace(file.toAbsolutePath(), content, null);
  }

  /**
   * Replaces {@code target} with {@code content} in UTF-8; the new file gets {@code permissions}
   * (null: the temporary file's, owner-only on POSIX systems) before it takes the target's name.
   *
   * @throws IOException when the directory is missing or a step fails; the target is then as it
   *     was and the temporary file is removed
   */
  static void replace(Path target, CharSequence content, Set<PosixFilePermission> permissions)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IOException("directory " + dir + " does not exist");
    }
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      if (permissions != null) {
        Files.setPosixFilePermissions(tmp, permissions);
      }
      write(tmp, content);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    forceDirectory(dir);
  }

  private static void write(Path tmp, CharSequence content) throws IOException {
    ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(content));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
      FILES_FORCED.increment();
    }
  }

  private static void forceDirectory(Path dir) throws IOException {
    if (dir == null || !dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return; // Windows opens no directory as a file; its renames are journalled by NTFS
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
      DIRECTORIES_FORCED.increment();
    }
  }

  /** How many files were forced to the disk before their rename, in this process (tests). */
  static long filesForced() {
    return FILES_FORCED.sum();
  }

  /** How many directories were forced after a rename into them, in this process (tests). */
  static long directoriesForced() {
    return DIRECTORIES_FORCED.sum();
  }
}
