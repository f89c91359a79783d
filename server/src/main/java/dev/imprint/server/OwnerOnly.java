package dev.imprint.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Owner-only files and directories on POSIX file systems: created with an explicit mode (0600,
 * 0700) that the process umask can only narrow, then set to exactly that mode; and checked for
 * permissions that let other users read or change them. On a file system without POSIX
 * permissions (Windows) creation falls back to the defaults and nothing is reported.
 */
final class OwnerOnly {
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
  private static final Set<PosixFilePermission> OTHERS_WRITE = EnumSet.of(
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  private OwnerOnly() {}

  /** Creates {@code dir} (and missing parents) 0700 unless it exists; true when it created it. */
  static boolean createDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return false;
    }
    try {
      Files.createDirectories(dir, attribute(DIRECTORY));
      Files.setPosixFilePermissions(dir, DIRECTORY);
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
    return true;
  }

  /** Creates an empty file 0600 unless it exists; true when it created it. */
  static boolean createFile(Path file) throws IOException {
    try {
      try {
        Files.createFile(file, attribute(FILE));
        Files.setPosixFilePermissions(file, FILE);
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  /** The mode as a file attribute, for APIs that create files (FileChannel.open). */
  static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> mode) {
    return PosixFilePermissions.asFileAttribute(mode);
  }

  /**
   * What is wrong with a file's permissions: any permission for its group or other users, as
   * e.g. {@code mode 0644 (readable by group and others)}; empty when it is owner-only, missing,
   * or on a file system without POSIX permissions.
   */
  static Optional<String> fileProblem(Path file) throws IOException {
    return problem(file, OTHERS);
  }

  /**
   * What is wrong with a directory's permissions: write permission for its group or others
   * (who could then replace the files in it); reading and listing are left to the operator,
   * since every file in it is owner-only.
   */
  static Optional<String> directoryProblem(Path dir) throws IOException {
    return problem(dir, OTHERS_WRITE);
  }

  private static Optional<String> problem(Path path, Set<PosixFilePermission> forbidden)
      throws IOException {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    }
    if (mode.stream().noneMatch(forbidden::contains)) {
      return Optional.empty();
    }
    return Optional.of("mode " + octal(mode) + " (" + describe(mode) + ")");
  }

  /** {@code 0644} for rw-r--r--. */
  static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format(java.util.Locale.ROOT, "%04o", bits);
  }

  private static String describe(Set<PosixFilePermission> mode) {
    String group = who(mode, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE);
    String others = who(mode, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    StringBuilder sb = new StringBuilder();
    if (!group.isEmpty()) {
      sb.append(group).append(" by its group");
    }
    if (!others.isEmpty()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(others).append(" by other users");
    }
    return sb.length() == 0 ? "accessible by its group or other users" : sb.toString();
  }

  private static String who(Set<PosixFilePermission> mode, PosixFilePermission read,
      PosixFilePermission write) {
    boolean r = mode.contains(read);
    boolean w = mode.contains(write);
    return r && w ? "readable and writable" : r ? "readable" : w ? "writable" : "";
  }
}
