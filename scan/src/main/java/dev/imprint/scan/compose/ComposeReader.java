package dev.imprint.scan.compose;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.GoTemplates;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises docker-compose files by name ({@code docker-compose*.yml}, {@code compose*.yaml})
 * or by content (a top-level {@code services:} map whose entries have {@code image} or
 * {@code build}, and no Kubernetes {@code apiVersion}/{@code kind}) and reads them.
 */
public final class ComposeReader {
  private static final Pattern NAME =
      Pattern.compile("(docker-)?compose([.\\-_][^/]*)?\\.ya?ml");

  private static final YamlMap EMPTY = YamlReader.read("{}").documents().get(0).asMap();

  private ComposeReader() {}

  /**
   * What reading one file gave: empty when the file is not a compose file; otherwise the model
   * or, when a file named like a compose file does not parse, a diagnostic.
   */
  public record Result(ComposeFile file, Diagnostic problem) {}

  /** Whether the file's name marks it as a compose file. */
  public static boolean isComposeName(String lowerName) {
    return NAME.matcher(lowerName).matches();
  }

  /** Reads a file if it is a compose file; empty when it is not. */
  public static Optional<Result> read(SourceFile file) {
    String lower = file.lowerName();
    boolean byName = isComposeName(lower);
    if (!byName && !(lower.endsWith(".yml") || lower.endsWith(".yaml"))) {
      return Optional.empty();
    }
    if (!byName && !file.text().contains("services")) {
      return Optional.empty();
    }
    // A template engine's file (docker-compose.yml.j2) is read with its directives neutralised:
    // {{ x }} would read as a mapping, and {% if %} lines are no YAML at all.
    YamlReader.Result parsed = file.template() && GoTemplates.isTemplate(file.text())
        ? YamlReader.readTemplate(file.text()) : YamlReader.read(file);
    if (!parsed.ok()) {
      if (!byName) {
        return Optional.empty();
      }
      YamlReader.YamlProblem p = parsed.problem();
      return Optional.of(new Result(null, new Diagnostic(file.location(p.line(), p.column()),
          Diagnostic.Kind.PARSE_ERROR, "expected a docker-compose YAML document: "
              + p.message())));
    }
    if (parsed.documents().isEmpty()) {
      return byName ? Optional.of(new Result(new ComposeFile(List.of(), EMPTY), null))
          : Optional.empty();
    }
    if (!(parsed.documents().get(0) instanceof YamlMap root)) {
      YamlNode doc = parsed.documents().get(0);
      return byName ? Optional.of(new Result(null, new Diagnostic(
          file.location(doc.line(), doc.column()), Diagnostic.Kind.PARSE_ERROR,
          "expected a docker-compose document: a YAML map with services:, found a "
              + (doc instanceof YamlList ? "list" : "scalar"))))
          : Optional.empty();
    }
    if (!byName && !looksLikeCompose(root)) {
      return Optional.empty();
    }
    return Optional.of(new Result(model(root), null));
  }

  static boolean looksLikeCompose(YamlMap root) {
    if (root.has("apiVersion") || root.has("kind")) {
      return false;
    }
    if (!(root.get("services") instanceof YamlMap services) || services.isEmpty()) {
      return false;
    }
    for (YamlNode s : services.entries().values()) {
      if (!(s instanceof YamlMap m) || !(m.has("image") || m.has("build"))) {
        return false;
      }
    }
    return true;
  }

  static ComposeFile model(YamlMap root) {
    List<ComposeService> out = new ArrayList<>();
    YamlMap services = root.map("services");
    for (Map.Entry<String, YamlNode> e : services.entries().entrySet()) {
      YamlMap m = e.getValue().asMap();
      String image = m.str("image");
      out.add(new ComposeService(e.getKey(), services.keyLine(e.getKey()),
          services.keyColumn(e.getKey()), image, m.has("build"), m));
    }
    return new ComposeFile(out, root);
  }
}
