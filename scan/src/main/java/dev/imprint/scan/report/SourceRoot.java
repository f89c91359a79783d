package dev.imprint.scan.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The directory SARIF locations are relative to ({@code %SRCROOT%}), and the working directory
 * that relative finding paths ({@code infra/main.tf}, {@code ../x/Dockerfile}) start from.
 * Code scanning places a result by a URI relative to the repository root, so the root is the
 * git work tree that holds every scan target, else the working directory when it holds them,
 * else the deepest directory that holds them all; whether the targets were given as absolute
 * paths, {@code ./x} or {@code ../x} does not change it.
 *
 * @param root absolute, normalised directory of {@code %SRCROOT%}
 * @param workingDirectory absolute, normalised directory relative paths start from
 */
public record SourceRoot(Path root, Path workingDirectory) {

  public SourceRoot {
    root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory")
        .toAbsolutePath().normalize();
  }

  /** The working directory of this process as both root and start of relative paths. */
  public static SourceRoot ofWorkingDirectory() {
    Path cwd = Path.of("").toAbsolutePath().normalize();
    return new SourceRoot(cwd, cwd);
  }

  /** The root for scan targets given on the command line, relative to this process. */
  public static SourceRoot of(List<Path> targets) {
    return of(targets, Path.of("").toAbsolutePath());
  }

  /** The root for scan targets given relative to {@code workingDirectory}. */
  public static SourceRoot of(List<Path> targets, Path workingDirectory) {
    Path cwd = workingDirectory.toAbsolutePath().normalize();
    List<Path> abs = (targets.isEmpty() ? List.of(cwd) : targets).stream()
        .map(t -> cwd.resolve(t).normalize()).toList();
    Path git = workTree(abs.get(0));
    if (git != null && abs.stream().allMatch(t -> t.startsWith(git))) {
      return new SourceRoot(git, cwd);
    }
    if (abs.stream().allMatch(t -> t.startsWith(cwd))) {
      return new SourceRoot(cwd, cwd);
    }
    Path common = Files.isDirectory(abs.get(0)) ? abs.get(0) : parentOf(abs.get(0));
    for (Path t : abs) {
      while (common != null && !t.startsWith(common)) {
        common = common.getParent();
      }
    }
    return new SourceRoot(common == null ? cwd.getRoot() : common, cwd);
  }

  private static Path parentOf(Path p) {
    Path parent = p.getParent();
    return parent == null ? p : parent;
  }

  /** The nearest directory at or above {@code p} that holds {@code .git} (a dir or a file). */
  private static Path workTree(Path p) {
    for (Path d = Files.isDirectory(p) ? p : p.getParent(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(".git"))) {
        return d;
      }
    }
    return null;
  }

  /** The absolute, normalised path of a finding's path as the scanner shows it. */
  Path resolve(String path) {
    return workingDirectory.resolve(Texts.slashes(path)).normalize();
  }

  /**
   * The path of a finding relative to the root, with forward slashes, or {@code null} when it
   * lies outside the root.
   */
  String relative(String path) {
    Path abs = resolve(path);
    if (!abs.startsWith(root)) {
      return null;
    }
    return root.relativize(abs).toString().replace('\\', '/');
  }

  /** The root as an absolute {@code file:} URI ending in a slash, as SARIF asks. */
  String rootUri() {
    String u = root.toUri().toString();
    return u.endsWith("/") ? u : u + "/";
  }
}
