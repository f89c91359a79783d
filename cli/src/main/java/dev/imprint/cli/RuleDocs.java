package dev.imprint.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import java.util.List;
import java.util.Locale;

/** Renders rules as text ({@code rules show}), JSON and Markdown (docs/rules.md). */
final class RuleDocs {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RuleDocs() {}

  static String category(Category c) {
    return c.id() + " (" + c.title() + ")";
  }

  static String text(Rule r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.id()).append("  ").append(r.title()).append("\n\n");
    sb.append("Severity:    ").append(r.severity().id()).append('\n');
    sb.append("Category:    ").append(category(r.category())).append('\n');
    if (!r.tags().isEmpty()) {
      sb.append("Tags:        ").append(String.join(", ", r.tags())).append('\n');
    }
    sb.append("\nRationale\n").append(indent(r.rationale())).append('\n');
    sb.append("\nRemediation\n").append(indent(r.remediation())).append('\n');
    sb.append("\nBad\n").append(indent(r.badExample())).append('\n');
    sb.append("\nGood\n").append(indent(r.goodExample())).append('\n');
    return sb.toString();
  }

  private static String indent(String s) {
    return "  " + s.strip().replace("\n", "\n  ");
  }

  static String json(List<Rule> rules) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", 1);
    ArrayNode arr = root.putArray("rules");
    for (Rule r : rules) {
      ObjectNode o = arr.addObject();
      o.put("id", r.id());
      o.put("title", r.title());
      o.put("severity", r.severity().id());
      o.put("category", r.category().id());
      o.put("categoryTitle", r.category().title());
      o.put("rationale", r.rationale());
      o.put("remediation", r.remediation());
      o.put("badExample", r.badExample());
      o.put("goodExample", r.goodExample());
      ArrayNode tags = o.putArray("tags");
      r.tags().forEach(tags::add);
    }
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    try {
      return MAPPER.writer(new DefaultPrettyPrinter().withObjectIndenter(indenter)
          .withArrayIndenter(indenter)).writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How the rules read files: where findings point and which objects cross-file rules join. */
  private static final String READING = """
      ## How the rules read files

      - **Where a finding points.** At the line of the offending value or attribute: \
      `privileged: true`, the RBAC rule's `resources`/`verbs` item, the `path:` of a hostPath, \
      the `image:` line, the `${{ github.event... }}` expression inside a multi-line `run:` \
      block. A finding about a missing attribute points at the object that lacks it (the \
      container, the pod `spec:`, the compose service, the Dockerfile's final `FROM`).
      - **Which Kubernetes objects meet.** Rules that combine objects (a ServiceAccount's \
      `automountServiceAccountToken` for its pods, IMP-K8S-040 to IMP-K8S-044) combine only \
      objects that are applied together. Separate scan targets never combine. Within a target, \
      a kustomization that no other kustomization includes is one unit (everything its \
      `resources`, `bases` and `components` reach, rendered in the namespace it sets); a Helm \
      chart with its subcharts is one unit; any other manifest belongs to the unit of its \
      folder, as `kubectl apply -f DIR` applies it. Objects of different units meet only in a \
      namespace both name explicitly: an object without a namespace, or in `default`, lands \
      wherever its unit is applied. Files a kustomization applies as patches are partial \
      objects and are not judged on their own.
      - **RBAC** is read as the API server authorizes: a rule grants a resource only through \
      its API group (`""` is core, `*` is every group), a namespaced Role grants nothing \
      cluster-scoped (nodes, nodes/proxy, CSR approval, webhooks, users and groups), and \
      creating role bindings is escalation only together with `bind` (or `escalate` with the \
      right to write roles). The metrics APIs (`metrics.k8s.io`, `custom.metrics.k8s.io`, \
      `external.metrics.k8s.io`) serve only reads, whatever verbs a rule lists.
      - **Helm chart templates** are read with their `{{ }}` directives neutralised, line for \
      line: both branches of a condition are read, a value a template fills in is decided at \
      render time and no rule judges it, and a block a template inserts (`toYaml`, `include`) \
      may set anything, so rules about a missing setting stay quiet there. A template that is \
      still not YAML is reported as skipped, with the reason; render it (`helm template`) to \
      scan the result. Findings name objects and containers as the template writes them \
      (`{{ .Chart.Name }}`).
      - **Template engines' files** (`deployment.yaml.j2`, `Dockerfile.j2`, \
      `docker-compose.yml.tmpl`; also `.jinja`, `.jinja2`, `.tpl`, `.gotmpl`, `.tftpl`, `.erb`) \
      are read by every rule as the file they render, with Jinja's `{% %}` and `{# #}` and the \
      `{{ }}` directives neutralised as in a chart; one that does not parse as that file is \
      reported as skipped, not as a parse error. A variable's string default \
      (`{{ pw | default('x') }}`, `{{ .Values.pw | default "x" }}`) is what the rendered file \
      holds when the variable is unset, and is judged as a literal.
      - **Knative and Cloud Run.** A Knative `Service`, `Configuration` or `Revision` runs pods \
      and is judged like a Deployment. A Cloud Run service written as Knative YAML (the \
      `cloud.googleapis.com/location` label, a `run.googleapis.com/` annotation, or a Google \
      service account email as `serviceAccountName`) runs in Google's sandbox, not in a \
      cluster: pod security, namespace, NetworkPolicy, token automount and RBAC rules do not \
      apply to it; its image, secrets and identity are judged.

      """;

  static String markdown(List<Rule> rules) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Imprint rules\n\n");
    sb.append("<!-- Generated by `./imprint rules --format markdown > docs/rules.md`;"
        + " do not edit by hand. -->\n\n");
    sb.append(rules.size()).append(" rules. Show one with `imprint rules show <ID>`; disable or"
        + " re-grade them in `.imprint.yaml` (see [output-formats.md](output-formats.md)).\n\n");
    sb.append(READING);
    sb.append("| Id | Severity | Category | Title |\n|---|---|---|---|\n");
    for (Rule r : rules) {
      sb.append("| [").append(r.id()).append("](#").append(r.id().toLowerCase(Locale.ROOT))
          .append(") | ").append(r.severity().id()).append(" | ")
          .append(cell(category(r.category()))).append(" | ").append(cell(r.title()))
          .append(" |\n");
    }
    for (Rule r : rules) {
      sb.append("\n## ").append(r.id()).append("\n\n");
      sb.append("**").append(r.title().strip()).append("**  \n");
      sb.append("Severity: ").append(r.severity().id()).append(" · Category: ")
          .append(category(r.category()));
      if (!r.tags().isEmpty()) {
        sb.append(" · Tags: ").append(String.join(", ", r.tags()));
      }
      sb.append("\n\n").append(r.rationale().strip()).append("\n\n");
      sb.append("**Remediation.** ").append(r.remediation().strip()).append("\n\n");
      sb.append("Bad:\n\n").append(fence(r.badExample())).append("\nGood:\n\n")
          .append(fence(r.goodExample()));
    }
    return sb.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String fence(String code) {
    String f = code.contains("```") ? "~~~~" : "```";
    return f + "\n" + code.strip() + "\n" + f + "\n";
  }
}
