package dev.imprint.cli;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.Rule;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code imprint rules}: lists the rule catalog. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "List the rule catalog.")
final class RulesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (Rule r : Catalog.rules()) {
      out.printf(java.util.Locale.ROOT, "%-18s %-8s %-13s %s%n", r.id(), r.severity().id(),
          r.category().id(), r.title());
    }
    out.flush();
    return Main.OK;
  }
}
