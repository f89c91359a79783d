package dev.imprint.server.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * A small text file, such as one signed checkpoint note, that is replaced atomically (a
 * temporary file beside it, flushed to disk, then renamed over it) and readable only by its
 * owner. A crash leaves either the old text or the new one, never a mix.
 */
public final class CheckpointFile {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path path;

  public CheckpointFile(Path path) {
    this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
  }

  /** Where the file is. */
  public Path path() {
    return path;
  }

  /**
   * The file's text, or empty when there is no file.
   *
   * @throws IOException when it exists but cannot be read
   */
  public Optional<String> read() throws IOException {
    try {
      return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Replaces the file with {@code text}, durably, owner-only (0600 in a 0700 directory). */
  public void write(String text) throws IOException {
    write(path, text);
  }

  /** Writes {@code text} to {@code file} the same way (for other files in a state directory). */
  public static void write(Path file, String text) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    createOwnerOnlyDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp", ownerOnly("rw-"));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates {@code dir} and its missing parents; new ones are owner-only (0700). */
  public static void createOwnerOnlyDirectories(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, ownerOnly("rwx"));
    }
  }

  private static FileAttribute<?>[] ownerOnly(String owner) {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString(owner + "------"))} : new FileAttribute<?>[0];
  }

  /** Makes the rename itself durable (a no-op where directories cannot be opened). */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot open a directory; the rename is still atomic there
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
