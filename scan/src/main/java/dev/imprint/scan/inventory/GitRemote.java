package dev.imprint.scan.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads which GitHub repository a checkout is, from its {@code .git/config} remote URL. */
final class GitRemote {
  private static final int MAX_CONFIG = 64 * 1024;
  private static final int MAX_LEVELS = 32;
  private static final Pattern GITHUB_URL = Pattern.compile(
      "(?m)^\\s*url\\s*=\\s*\\S{0,200}?github\\.com[:/]([A-Za-z0-9_.-]{1,100})/"
          + "([A-Za-z0-9_.-]{1,100}?)(?:\\.git)?/?\\s*$");

  private GitRemote() {}

  /** {@code owner/name} of the first GitHub remote of the checkout holding {@code target}. */
  static Optional<String> githubRepository(Path target) {
    try {
      Path dir = target.toAbsolutePath().normalize();
      if (!Files.isDirectory(dir)) {
        dir = dir.getParent();
      }
      for (int i = 0; dir != null && i < MAX_LEVELS; i++, dir = dir.getParent()) {
        Path config = dir.resolve(".git").resolve("config");
        if (Files.isRegularFile(config)) {
          return parse(config);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  static Optional<String> parse(Path config) throws IOException {
    if (Files.size(config) > MAX_CONFIG) {
      return Optional.empty();
    }
    return fromConfig(Files.readString(config, StandardCharsets.UTF_8));
  }

  /** The first GitHub {@code owner/name} in the text of a git config. */
  static Optional<String> fromConfig(String text) {
    Matcher m = GITHUB_URL.matcher(text);
    return m.find() ? Optional.of(m.group(1) + "/" + m.group(2)) : Optional.empty();
  }
}
