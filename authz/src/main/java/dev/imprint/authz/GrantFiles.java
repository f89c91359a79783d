package dev.imprint.authz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a grant directory (every {@code .yaml}/{@code .yml} file, recursively, in path order,
 * skipping names that start with '.') or one grant file into {@link GrantSource}s.
 */
public final class GrantFiles {
  static final int MAX_FILES = 10_000;

  private GrantFiles() {}

  /**
   * Reads {@code path}, a grant file or directory.
   *
   * @throws AuthzException {@code grant.files} when it cannot be read, holds no grant file, a
   *     file is too large or not UTF-8
   */
  public static List<GrantSource> read(Path path) {
    if (Files.isRegularFile(path)) {
      return List.of(source(path, path.getFileName().toString()));
    }
    if (!Files.isDirectory(path)) {
      throw new AuthzException("grant.files", "expected a grant file or directory, got '" + path
          + "' which does not exist");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(path)) {
      files = walk.filter(p -> !hidden(path, p) && Files.isRegularFile(p)
              && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")))
          .sorted((a, b) -> relative(path, a).compareTo(relative(path, b)))
          .limit(MAX_FILES + 1L).toList();
    } catch (IOException | UncheckedIOException e) {
      throw new AuthzException("grant.files", "cannot read the directory '" + path + "': "
          + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new AuthzException("grant.files", "no grant file (*.yaml, *.yml) in '" + path
          + "': refusing an empty grant set (write a file with 'grants: []' to mean none)");
    }
    if (files.size() > MAX_FILES) {
      throw new AuthzException("grant.files", "more than " + MAX_FILES + " grant files in '"
          + path + "'");
    }
    List<GrantSource> out = new ArrayList<>(files.size());
    for (Path f : files) {
      out.add(source(f, relative(path, f)));
    }
    return out;
  }

  private static boolean hidden(Path root, Path p) {
    for (Path part : root.relativize(p)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static GrantSource source(Path file, String name) {
    try {
      long size = Files.size(file);
      if (size > GrantParser.MAX_FILE_CHARS) {
        throw new AuthzException("grant.files", "expected a grant file of at most "
            + GrantParser.MAX_FILE_CHARS + " bytes, got " + size + " in '" + name + "'");
      }
      byte[] bytes = Files.readAllBytes(file);
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      return new GrantSource(name, text);
    } catch (CharacterCodingException e) {
      throw new AuthzException("grant.files", "'" + name + "' is not UTF-8");
    } catch (IOException e) {
      throw new AuthzException("grant.files", "cannot read '" + name + "': " + e.getMessage());
    }
  }
}
