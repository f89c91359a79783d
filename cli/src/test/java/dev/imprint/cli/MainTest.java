package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Location;
import dev.imprint.scan.ScanReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line built for one subcommand behaves as the whole tree does. */
class MainTest {

  /** The subcommands Main's annotation lists, by name and alias; help excepted. */
  private static Map<String, Class<?>> listed() {
    Map<String, Class<?>> byName = new TreeMap<>();
    for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
      Command cmd = c.getAnnotation(Command.class);
      if (c != CommandLine.HelpCommand.class) {
        byName.put(cmd.name(), c);
        for (String alias : cmd.aliases()) {
          byName.put(alias, c);
        }
      }
    }
    return byName;
  }

  @Test
  void theFastPathKnowsEverySubcommandTheAnnotationLists() {
    assertThat(listed()).hasSize(17);
    listed().forEach((name, c) -> assertThat(Main.subcommand(name)).as(name).isEqualTo(c));
    assertThat(Main.subcommand("help")).isNull();
    assertThat(Main.subcommand("no-such-command")).isNull();
  }

  @Test
  void aNamedSubcommandModelsOnlyThatCommand() {
    assertThat(Main.commandLine("server", "--listen", "x").getSubcommands())
        .containsOnlyKeys("server");
    assertThat(Main.commandLine("--help").getSubcommands()).containsKeys("server", "scan", "help");
    assertThat(Main.commandLine("help", "scan").getSubcommands()).containsKeys("server", "help");
    assertThat(Main.commandLine().getSubcommands()).containsKeys("server", "scan", "help");
  }

  @Test
  void usageOfEveryCommandAndSubcommandIsTheSameEitherWay() {
    Map<String, CommandLine> whole = new CommandLine(new Main()).getSubcommands();
    int compared = 0;
    for (String name : listed().keySet()) {
      CommandLine fast = Main.commandLine(name).getSubcommands().get(name);
      Deque<CommandLine[]> pairs = new ArrayDeque<>();
      pairs.add(new CommandLine[] {whole.get(name), fast});
      while (!pairs.isEmpty()) {
        CommandLine[] p = pairs.pop();
        assertThat(p[1].getCommandSpec().qualifiedName())
            .isEqualTo(p[0].getCommandSpec().qualifiedName());
        assertThat(p[1].getUsageMessage(CommandLine.Help.Ansi.OFF))
            .isEqualTo(p[0].getUsageMessage(CommandLine.Help.Ansi.OFF));
        compared++;
        p[0].getSubcommands().forEach((n, c) ->
            pairs.add(new CommandLine[] {c, p[1].getSubcommands().get(n)}));
      }
    }
    assertThat(compared).isGreaterThan(30);
  }

  @Test
  void aUsageErrorNamesTheCommandAndExitsTwo() {
    Cli r = Cli.run("server", "--no-such-option");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("Unknown option: '--no-such-option'")
        .contains("Try 'imprint server --help'.");
  }

  @Test
  void internalErrorsAreNamedLoudlyOnStandardErrorAndOthersAreNot() {
    Diagnostic bug = new Diagnostic(Location.of("infra/main.tf", 0),
        Diagnostic.Kind.INTERNAL_ERROR, "internal error: the terraform reader failed");
    Diagnostic broken = new Diagnostic(new Location("k8s/a.yaml", 3, 1),
        Diagnostic.Kind.PARSE_ERROR, "expected a mapping");
    StringWriter err = new StringWriter();

    assertThat(Main.internalErrors("scan", report(broken), new PrintWriter(err))).isFalse();
    assertThat(err.toString()).isEmpty();
    assertThat(Main.internalErrors("scan", report(broken, bug), new PrintWriter(err))).isTrue();
    assertThat(err.toString()).startsWith("imprint scan: INTERNAL ERROR:")
        .contains("1 file", "exit code 5", "infra/main.tf: internal_error: internal error")
        .doesNotContain("k8s/a.yaml");
    assertThat(Main.INTERNAL).isEqualTo(5);
  }

  private static ScanReport report(Diagnostic... diagnostics) {
    return new ScanReport(List.of(), List.of(diagnostics), 2, 10, 0, 0, Duration.ZERO);
  }
}
