package dev.imprint.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks what a scanner found against the secrets {@link CorpusGenerator} planted, so a tool
 * that skips work cannot look faster: a planted secret counts as found when the tool reports a
 * secret at its file and line. Prints one line, {@code found TOTAL} and a few it missed.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.imprint.bench.PlantedSecrets
 * --planted FILE --root CORPUS (--imprint REPORT.json | --secretlint OUTPUT.json)}.
 */
public final class PlantedSecrets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlantedSecrets() {}

  /** Where Imprint's JSON report has a finding that carries a secret, as path:line. */
  static Set<String> imprint(JsonNode report, Path root) {
    Set<String> at = new HashSet<>();
    for (JsonNode f : report.path("findings")) {
      if (f.hasNonNull("secret")) {
        at.add(relative(f.path("path").asText(), root) + ":" + f.path("line").asInt());
      }
    }
    return at;
  }

  /** Where secretlint's JSON output has a message, as path:line. */
  static Set<String> secretlint(JsonNode output, Path root) {
    Set<String> at = new HashSet<>();
    for (JsonNode file : output) {
      String path = relative(file.path("filePath").asText(), root);
      for (JsonNode m : file.path("messages")) {
        at.add(path + ":" + m.path("loc").path("start").path("line").asInt());
      }
    }
    return at;
  }

  /** The planted secrets (path:line) that {@code found} lacks. */
  static List<String> missed(List<String> planted, Set<String> found) {
    List<String> missed = new ArrayList<>();
    for (String p : planted) {
      if (!found.contains(p)) {
        missed.add(p);
      }
    }
    return missed;
  }

  static List<String> planted(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String row : Files.readAllLines(file)) {
      if (!row.isBlank()) {
        String[] cols = row.split("\t");
        out.add(cols[0] + ":" + cols[1]);
      }
    }
    return out;
  }

  private static String relative(String path, Path root) {
    Path p = Path.of(path);
    Path abs = root.toAbsolutePath().normalize();
    Path rel = p.isAbsolute() ? abs.relativize(p.normalize())
        : abs.relativize(Path.of("").toAbsolutePath().resolve(p).normalize());
    return rel.toString().replace('\\', '/');
  }

  /** Command-line entry point; see the class Javadoc. */
  public static void main(String[] args) throws IOException {
    Path plantedFile = null;
    Path root = null;
    Path imprint = null;
    Path secretlint = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--planted" -> plantedFile = Path.of(args[i + 1]);
        case "--root" -> root = Path.of(args[i + 1]);
        case "--imprint" -> imprint = Path.of(args[i + 1]);
        case "--secretlint" -> secretlint = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (plantedFile == null || root == null || (imprint == null) == (secretlint == null)) {
      throw new IllegalArgumentException(
          "expected --planted FILE --root DIR and one of --imprint FILE, --secretlint FILE");
    }
    List<String> planted = planted(plantedFile);
    Set<String> found = imprint != null ? imprint(JSON.readTree(imprint.toFile()), root)
        : secretlint(JSON.readTree(secretlint.toFile()), root);
    List<String> missed = missed(planted, found);
    System.out.println((planted.size() - missed.size()) + " " + planted.size()
        + (missed.isEmpty() ? "" : " missed e.g. " + String.join(", ",
            missed.subList(0, Math.min(5, missed.size())))));
  }
}
