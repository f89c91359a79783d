package dev.imprint.scan.kubernetes;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.GoTemplates;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads Kubernetes manifests ({@code .yaml}, {@code .yml}, {@code .json}; multi-document
 * streams, {@code kind: List} and the objects of an OpenShift {@code kind: Template}) into
 * {@link KubernetesObject}s. Documents without both
 * {@code apiVersion} and {@code kind} (compose files, workflows, Helm values) are ignored.
 */
public final class KubernetesReader {
  private static final Pattern YAML_API =
      Pattern.compile("(?m)^[ \\t]{0,40}(- )?\"?apiVersion\"?[ \\t]{0,20}:");
  private static final Pattern LOOKS_K8S =
      Pattern.compile("\"?apiVersion\"?\\s{0,20}:");
  private static final Pattern HAS_KIND = Pattern.compile("\"?kind\"?\\s{0,20}:");

  private KubernetesReader() {}

  /**
   * What reading one file gave: its objects (empty when it holds no Kubernetes document) or a
   * parse problem when it looked like Kubernetes but did not parse.
   */
  public record Result(List<KubernetesObject> objects, Diagnostic problem) {
    public Result {
      objects = List.copyOf(objects);
    }
  }

  /** Reads a file; a result with no objects when it is not a Kubernetes manifest. */
  public static Result read(SourceFile file) {
    String lower = file.lowerName();
    if (!(lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json"))) {
      return new Result(List.of(), null);
    }
    String text = file.text();
    boolean json = lower.endsWith(".json");
    if (!(json ? LOOKS_K8S : YAML_API).matcher(text).find() || !HAS_KIND.matcher(text).find()) {
      return new Result(List.of(), null);
    }
    boolean template = !json && GoTemplates.isTemplate(text);
    // A chart's template or a template engine's file (deployment.yaml.j2) is a template even
    // where it happens to parse as YAML: {{ x }} would read as a mapping, not a value.
    YamlReader.Result parsed = template && (isChartTemplate(file) || file.template()) ? null
        : YamlReader.read(file);
    if (parsed == null || !parsed.ok() && template) {
      // A Helm (Go template) or Jinja manifest: read what can be read with the directives
      // neutralised.
      parsed = YamlReader.readTemplate(text);
      if (!parsed.ok()) {
        YamlReader.YamlProblem p = parsed.problem();
        return new Result(List.of(), new Diagnostic(file.location(p.line(), p.column()),
            Diagnostic.Kind.SKIPPED, "Kubernetes rules skipped this template: with its {{ }} "
                + "and {% %} directives neutralised it is still not YAML (" + p.message()
                + "); render it (helm template) and scan the output"));
      }
    }
    if (!parsed.ok()) {
      YamlReader.YamlProblem p = parsed.problem();
      return new Result(List.of(), new Diagnostic(file.location(p.line(), p.column()),
          Diagnostic.Kind.PARSE_ERROR,
          "expected Kubernetes manifest YAML/JSON: " + p.message()));
    }
    List<KubernetesObject> out = new ArrayList<>();
    for (YamlNode doc : parsed.documents()) {
      collect(doc, out, 0);
    }
    return new Result(out, null);
  }

  /** Whether a file sits in a Helm chart's {@code templates/} folder. */
  static boolean isChartTemplate(SourceFile file) {
    String p = "/" + file.path();
    return p.contains("/templates/");
  }

  private static void collect(YamlNode doc, List<KubernetesObject> out, int depth) {
    if (!(doc instanceof YamlMap m) || depth > 3) {
      return;
    }
    String kind = m.str("kind");
    String api = m.str("apiVersion");
    if (kind == null || api == null || kind.isBlank() || api.isBlank()) {
      return;
    }
    if (kind.endsWith("List") && m.get("items") != null) {
      for (YamlNode item : m.list("items")) {
        collect(item, out, depth + 1);
      }
      return;
    }
    if (kind.equals("Template") && m.get("objects") != null) {
      // An OpenShift template: the objects it creates, their ${PARAMETERS} left unknown.
      for (YamlNode item : m.list("objects")) {
        collect(item, out, depth + 1);
      }
      return;
    }
    YamlMap meta = m.map("metadata");
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, YamlNode> e : meta.map("labels").entries().entrySet()) {
      if (e.getValue().text() != null) {
        labels.put(e.getKey(), e.getValue().text());
      }
    }
    String name = meta.str("name");
    if (name == null) {
      name = meta.str("generateName") == null ? "?" : meta.str("generateName");
    }
    out.add(new KubernetesObject(kind.trim(), api.trim(), name,
        meta.str("namespace"), labels, m.line(), m.column(), m));
  }
}
