package dev.imprint.cli;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.Rule;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imprint rules}: lists the rule catalog, or shows one rule in full. */
@Command(name = "rules", mixinStandardHelpOptions = true,
    description = "List the rule catalog (docs/rules.md is generated with --format markdown).",
    subcommands = RulesCommand.Show.class)
final class RulesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "text, json or markdown (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Rule> rules = Catalog.rules();
    switch (format.toLowerCase(Locale.ROOT)) {
      case "text" -> {
        for (Rule r : rules) {
          out.printf(Locale.ROOT, "%-18s %-8s %-13s %s%n", r.id(), r.severity().id(),
              r.category().id(), r.title());
        }
      }
      case "json" -> out.print(RuleDocs.json(rules));
      case "markdown" -> out.print(RuleDocs.markdown(rules));
      default -> {
        PrintWriter err = spec.commandLine().getErr();
        err.println("imprint rules: --format: expected text, json or markdown, got '"
            + format + "'");
        err.flush();
        return Main.USAGE;
      }
    }
    out.flush();
    return Main.OK;
  }

  /** {@code imprint rules show ID}: one rule with rationale, remediation and examples. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show one rule: severity, category, rationale, remediation and examples.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "Rule id, e.g. IMP-SECRET-001.")
    String id;

    @Override
    public Integer call() {
      String wanted = id.trim().toUpperCase(Locale.ROOT);
      Optional<Rule> rule = Catalog.rule(wanted);
      if (rule.isEmpty()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("imprint rules show: unknown rule id '" + id + "'");
        List<String> close = suggestions(wanted);
        if (!close.isEmpty()) {
          err.println("Did you mean: " + String.join(", ", close) + "?");
        }
        err.println("List every rule with 'imprint rules'.");
        err.flush();
        return Main.USAGE;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(RuleDocs.text(rule.get()));
      out.flush();
      return Main.OK;
    }
  }

  /** Up to three catalog ids closest to {@code id} by edit distance (at most 3 edits). */
  static List<String> suggestions(String id) {
    return Catalog.rules().stream().map(Rule::id)
        .filter(r -> distance(r, id) <= 3)
        .sorted(Comparator.comparingInt((String r) -> distance(r, id))
            .thenComparing(Comparator.naturalOrder()))
        .limit(3).toList();
  }

  static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 3 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
