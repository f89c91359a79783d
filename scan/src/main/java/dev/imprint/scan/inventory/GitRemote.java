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
  private static final Pattern GITHUB_URL = Pattern.compile(
      "(?m)^\\s*url\\s*=\\s*\\S{0,200}?github\\.com[:/]([A-Za-z0-9_.-]{1,100})/"
          + "([A-Za-z0-9_.-]{1,100}?)(?:\\.git)?/?\\s*$");

  private GitRemote() {}

  /**
   * The repository a workflow file runs in: GitHub runs only {@code .github/workflows} at the
   * root of a repository, so this is the GitHub remote of a checkout whose root holds the
   * workflow's {@code .github}, or empty (a nested example, no checkout, no GitHub remote).
   */
  static Optional<String> ofWorkflow(Path workflow) {
    try {
      Path dir = workflow.toAbsolutePath().normalize().getParent();
      if (dir == null || !dir.getFileName().toString().equals("workflows")
          || dir.getParent() == null || !dir.getParent().getFileName().toString()
              .equals(".github")) {
        return Optional.empty();
      }
      return atRoot(dir.getParent().getParent());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The first GitHub remote of the checkout whose root is {@code root}. */
  static Optional<String> atRoot(Path root) throws IOException {
    if (root == null) {
      return Optional.empty();
    }
    Path git = root.resolve(".git");
    if (Files.isDirectory(git)) {
      return parse(git.resolve("config"));
    }
    return Files.isRegularFile(git) ? linked(git) : Optional.empty();
  }

  /**
   * The remote of a worktree or submodule, whose {@code .git} is a file naming its git directory;
   * a worktree's remotes are in the config of the common directory.
   */
  private static Optional<String> linked(Path gitFile) throws IOException {
    if (Files.size(gitFile) > MAX_CONFIG) {
      return Optional.empty();
    }
    String text = Files.readString(gitFile, StandardCharsets.UTF_8).trim();
    if (!text.startsWith("gitdir:")) {
      return Optional.empty();
    }
    Path gitDir = gitFile.getParent().resolve(text.substring(7).trim()).normalize();
    Path common = gitDir.resolve("commondir");
    if (Files.isRegularFile(common) && Files.size(common) < MAX_CONFIG) {
      gitDir = gitDir.resolve(Files.readString(common, StandardCharsets.UTF_8).trim())
          .normalize();
    }
    return parse(gitDir.resolve("config"));
  }

  static Optional<String> parse(Path config) throws IOException {
    if (!Files.isRegularFile(config) || Files.size(config) > MAX_CONFIG) {
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
