package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteException;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.scan.SourceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code imprint pin}: rewrites image references in Kubernetes manifests, compose files and
 * Dockerfiles from tags to {@code repository:tag@sha256:...}, the digest of the approved image
 * the server has registered with that repository and tag, leaving every other byte of each file
 * as it was.
 */
@Command(name = "pin", mixinStandardHelpOptions = true,
    description = "Pins image references in Kubernetes manifests, compose files and Dockerfiles"
        + " (FROM) to the digests of the approved images registered with their tags:"
        + " repo:tag becomes repo:tag@sha256:... and nothing else in the file changes. Needs a"
        + " token that may read images (admin, pipeline or auditor) in IMPRINT_TOKEN.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every tag reference is pinned (or was already)",
        "1:--check: a file would change; or a tag has no approved image (left as it is)",
        "2:usage error or a path that cannot be read",
        "3:the server refused",
        "4:the server could not be reached"})
final class PinCommand implements Callable<Integer> {
  /** Largest file read. */
  static final long MAX_FILE = 4L << 20;
  /** Most references one resolve call carries (the server's limit). */
  static final int BATCH = 1000;

  @Mixin RemoteOptions remote;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "1..*",
      description = "Files or directories (walked; hidden directories skipped).")
  List<Path> paths;

  @Option(names = "--check", description = "Write nothing; exit 1 when a file would change or"
      + " a tag cannot be pinned (for CI).")
  boolean check;

  /** One file's text and the references in it. */
  private record Scanned(Path path, String display, String text,
      ImageReferences.Found found) {}

  /** A reference that changes, or cannot be pinned. */
  private record Outcome(Scanned file, ImageReferences.Located ref, String digest,
      String code, String detail) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      List<Scanned> files = new ArrayList<>();
      for (Path p : paths) {
        collect(p, files, err);
      }
      Set<String> wanted = new TreeSet<>();
      for (Scanned f : files) {
        for (ImageReferences.Located r : f.found().references()) {
          if (!ImageReferences.pinned(r.text()) && !ImageReferences.templated(r.text())) {
            wanted.add(r.text());
          }
        }
      }
      Map<String, JsonNode> resolved = wanted.isEmpty() ? Map.of()
          : resolve(remote.client(), new ArrayList<>(wanted));
      return report(files, resolved, out, err);
    } catch (RemoteException e) {
      err.println("imprint: " + e.getMessage() + (e.status() > 0
          ? " (HTTP " + e.status() + ", " + e.code() + ")" : ""));
      err.flush();
      return e.exitCode();
    } catch (IllegalArgumentException e) {
      err.println("imprint: " + e.getMessage());
      err.flush();
      return Main.USAGE;
    } catch (IOException e) {
      err.println("imprint: " + e.getMessage());
      err.flush();
      return Main.USAGE;
    }
  }

  private int report(List<Scanned> files, Map<String, JsonNode> resolved, PrintWriter out,
      PrintWriter err) throws IOException {
    List<Outcome> changes = new ArrayList<>();
    List<Outcome> unresolved = new ArrayList<>();
    int alreadyPinned = 0;
    int templated = 0;
    Set<Path> changed = new LinkedHashSet<>();
    for (Scanned f : files) {
      List<Outcome> mine = new ArrayList<>();
      for (ImageReferences.Located r : f.found().references()) {
        if (ImageReferences.pinned(r.text())) {
          alreadyPinned++;
          continue;
        }
        if (ImageReferences.templated(r.text())) {
          templated++;
          continue;
        }
        JsonNode res = resolved.get(r.text());
        if (res == null || res.hasNonNull("error") || !res.path("digest").isTextual()) {
          JsonNode e = res == null ? null : res.path("error");
          unresolved.add(new Outcome(f, r, null, e == null ? "image_ref.unknown"
              : e.path("code").asText(), e == null ? "no answer for this reference"
                  : e.path("detail").asText()));
          continue;
        }
        mine.add(new Outcome(f, r, res.path("digest").asText(), null, null));
      }
      if (!mine.isEmpty()) {
        changes.addAll(mine);
        changed.add(f.path());
        if (!check) {
          write(f, mine);
        }
      }
    }
    if (remote.json()) {
      out.println(ApiClient.json().writerWithDefaultPrettyPrinter().writeValueAsString(
          json(files, changes, unresolved, alreadyPinned, templated)));
    } else {
      for (Outcome c : changes) {
        out.println(c.file().display() + ":" + c.ref().line() + ":" + c.ref().column() + "  "
            + c.ref().text() + " -> " + c.ref().text() + "@" + c.digest());
      }
      for (Outcome u : unresolved) {
        out.println(u.file().display() + ":" + u.ref().line() + ":" + u.ref().column() + "  "
            + u.ref().text() + ": not pinned: " + u.detail() + " (" + u.code() + ")");
      }
      for (Scanned f : files) {
        for (ImageReferences.Unlocated s : f.found().skipped()) {
          out.println(f.display() + ":" + s.line() + ":" + s.column() + "  " + s.text()
              + ": not pinned: " + s.why());
        }
      }
      out.println((check ? "would pin " : "pinned ") + changes.size() + " reference"
          + (changes.size() == 1 ? "" : "s") + " in " + changed.size() + " file"
          + (changed.size() == 1 ? "" : "s") + "; " + alreadyPinned + " already pinned; "
          + unresolved.size() + " without an approved image" + (templated == 0 ? ""
              : "; " + templated + " built from variables (left as written)"));
    }
    out.flush();
    err.flush();
    boolean incomplete = !unresolved.isEmpty()
        || files.stream().anyMatch(f -> !f.found().skipped().isEmpty());
    return (check && !changes.isEmpty()) || incomplete ? Main.FINDINGS : Main.OK;
  }

  private ObjectNode json(List<Scanned> files, List<Outcome> changes, List<Outcome> unresolved,
      int alreadyPinned, int templated) {
    ObjectNode root = ApiClient.json().createObjectNode();
    root.put("check", check);
    root.put("files", files.size());
    ArrayNode c = root.putArray("changes");
    for (Outcome o : changes) {
      c.addObject().put("path", o.file().display()).put("line", o.ref().line())
          .put("column", o.ref().column()).put("where", o.ref().where())
          .put("from", o.ref().text()).put("to", o.ref().text() + "@" + o.digest());
    }
    ArrayNode u = root.putArray("unresolved");
    for (Outcome o : unresolved) {
      u.addObject().put("path", o.file().display()).put("line", o.ref().line())
          .put("column", o.ref().column()).put("reference", o.ref().text())
          .put("code", o.code()).put("detail", o.detail());
    }
    ArrayNode s = root.putArray("skipped");
    for (Scanned f : files) {
      for (ImageReferences.Unlocated x : f.found().skipped()) {
        s.addObject().put("path", f.display()).put("line", x.line()).put("column", x.column())
            .put("reference", x.text()).put("detail", x.why());
      }
    }
    root.put("alreadyPinned", alreadyPinned);
    root.put("templated", templated);
    return root;
  }

  /** Asks the server, in batches, which digest each tag reference names. */
  private static Map<String, JsonNode> resolve(ApiClient client, List<String> refs) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (int from = 0; from < refs.size(); from += BATCH) {
      List<String> part = refs.subList(from, Math.min(refs.size(), from + BATCH));
      JsonNode res = client.post("/v1/images/resolve", Map.of("references", part));
      for (JsonNode item : res.path("items")) {
        out.put(item.path("reference").asText(), item);
      }
    }
    return out;
  }

  /**
   * Replaces each reference's characters and nothing else, then swaps the file in atomically
   * and durably ({@link OutputFile}) with its permissions kept. A path named through a symbolic
   * link rewrites the file the link points to and leaves the link a link.
   */
  private static void write(Scanned f, List<Outcome> changes) throws IOException {
    StringBuilder sb = new StringBuilder(f.text());
    List<Outcome> backwards = new ArrayList<>(changes);
    backwards.sort((a, b) -> Integer.compare(b.ref().start(), a.ref().start()));
    for (Outcome o : backwards) {
      sb.replace(o.ref().start(), o.ref().end(), o.ref().text() + "@" + o.digest());
    }
    Path target = f.path().toRealPath();
    PosixFileAttributeView view = Files.getFileAttributeView(target,
        PosixFileAttributeView.class);
    OutputFile.replace(target, sb, view == null ? null : view.readAttributes().permissions());
  }

  private void collect(Path p, List<Scanned> files, PrintWriter err) throws IOException {
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("no such file or directory: " + p);
    }
    if (Files.isRegularFile(p)) {
      Scanned s = scan(p, p.toString(), true, err);
      if (s != null) {
        files.add(s);
      }
      return;
    }
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
        return !dir.equals(p) && (n.startsWith(".") || n.equals("node_modules"))
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          found.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    found.sort(null);
    for (Path file : found) {
      Scanned s = scan(file, p.resolve(p.relativize(file)).toString(), false, err);
      if (s != null) {
        files.add(s);
      }
    }
  }

  /** Reads a file that may hold image references; null when it holds none of the kinds. */
  private static Scanned scan(Path file, String display, boolean named, PrintWriter err)
      throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !named) {
      return null;
    }
    String lower = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    boolean candidate = lower.endsWith(".yaml") || lower.endsWith(".yml")
        || lower.endsWith(".json") || dev.imprint.scan.dockerfile.DockerfileParser
            .isDockerfileName(lower);
    if (!candidate && !named) {
      return null;
    }
    if (Files.size(file) > MAX_FILE) {
      err.println("imprint: skipped " + display + ": larger than " + (MAX_FILE >> 20) + " MiB");
      return null;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      err.println("imprint: skipped " + display + ": not UTF-8 text");
      return null;
    }
    ImageReferences.Found found = ImageReferences.find(SourceFile.of(display, text));
    if (found == null) {
      if (named) {
        err.println("imprint: " + display + " is not a Kubernetes manifest, compose file or"
            + " Dockerfile; nothing to pin there");
      }
      return null;
    }
    return new Scanned(file, display, text, found);
  }
}
