package dev.imprint.cli;

import dev.imprint.authz.AuthzException;
import dev.imprint.authz.GrantFiles;
import dev.imprint.authz.GrantParser;
import dev.imprint.authz.GrantSet;
import dev.imprint.cli.netpol.GrantedFlows;
import dev.imprint.cli.netpol.IdentityLabels;
import dev.imprint.cli.netpol.NetpolException;
import dev.imprint.cli.netpol.PolicyCheck;
import dev.imprint.cli.netpol.PolicyGenerator;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.netpol.Cluster;
import dev.imprint.scan.netpol.ClusterReader;
import dev.imprint.scan.netpol.Connectivity;
import dev.imprint.scan.netpol.ConnectivityFormat;
import dev.imprint.scan.netpol.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imprint netpol}: Kubernetes NetworkPolicy connectivity, generation and checks. */
@Command(name = "netpol", mixinStandardHelpOptions = true,
    description = "Lists what Kubernetes NetworkPolicies allow (connectivity), writes the"
        + " policies net: grants call for (generate) and compares manifests with grants (check)."
        + " See docs/netpol.md.",
    subcommands = {NetpolCommand.ConnectivityCmd.class, NetpolCommand.Generate.class,
        NetpolCommand.Check.class})
final class NetpolCommand {
  private NetpolCommand() {}

  /** Reads manifests; prints errors and warnings; null when there were errors. */
  static ClusterReader.Result manifests(List<Path> paths, PrintWriter err) {
    ClusterReader.Result r;
    try {
      r = ClusterReader.readPaths(paths);
    } catch (IOException e) {
      err.println("imprint netpol: cannot read manifests: " + e.getMessage());
      return null;
    }
    r.warnings().forEach(d -> err.println("warning: " + d.location() + ": " + d.message()));
    for (Diagnostic d : r.errors()) {
      err.println("error: " + d.location() + ": " + d.message());
    }
    if (!r.errors().isEmpty()) {
      err.println("imprint netpol: " + r.errors().size() + " error(s) in the manifests; no"
          + " connectivity is computed from policies the API server would refuse");
      return null;
    }
    return r;
  }

  /** Reads grants; prints diagnostics; null when the set has errors. */
  static GrantSet grants(Path path, PrintWriter err) {
    GrantSet set;
    try {
      set = GrantParser.parse(GrantFiles.read(path));
    } catch (AuthzException e) {
      err.println("imprint netpol: " + e.code() + ": " + e.getMessage());
      return null;
    }
    set.diagnostics().forEach(d -> err.println(d));
    if (set.hasErrors()) {
      err.println("imprint netpol: the grant set has " + set.errors().size() + " error(s)");
      return null;
    }
    return set;
  }

  /** {@code imprint netpol connectivity PATH...}. */
  @Command(name = "connectivity", mixinStandardHelpOptions = true,
      description = "Lists every allowed connection between workloads and IP ranges of the"
          + " manifests (workloads, Pods, Namespaces, NetworkPolicies), as np-guard's"
          + " netpol-analyzer lists them. Exit 0, or 2 when a manifest or policy is invalid.")
  static final class ConnectivityCmd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH",
        description = "Manifest files or directories (*.yaml, *.yml, *.json, recursively).")
    List<Path> paths;

    @Option(names = "--format", defaultValue = "txt", paramLabel = "txt|json",
        description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      ConnectivityFormat f = ConnectivityFormat.parse(format);
      ClusterReader.Result r = manifests(paths, err);
      err.flush();
      if (r == null) {
        return Main.USAGE;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(f.write(Connectivity.analyze(r.cluster())));
      out.flush();
      return Main.OK;
    }
  }

  /** Options shared by generate and check. */
  abstract static class GrantOptions {
    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "PATH",
        description = "A grant file or a directory of them (*.yaml, *.yml, recursively).")
    Path grantsPath;

    @Option(names = "--labels", required = true, paramLabel = "FILE",
        description = "The label mapping: namespace and pod labels of each identity, and the"
            + " cluster DNS (see docs/netpol.md).")
    Path labelsPath;

    @Option(names = "--environment", paramLabel = "ENV",
        description = "The environment the policies are for: grants limited to other"
            + " environments allow no flow.")
    String environment;

    @Option(names = "--at", paramLabel = "INSTANT",
        description = "Judge grant expiry at this instant (default: now).")
    Instant at;

    IdentityLabels labels;
    GrantedFlows flows;

    /** Reads grants and mapping; false (after saying why) when they cannot be used. */
    boolean load(PrintWriter err) {
      GrantSet set = grants(grantsPath, err);
      if (set == null) {
        return false;
      }
      try {
        labels = IdentityLabels.read(labelsPath);
      } catch (NetpolException e) {
        err.println("imprint netpol: " + e.code() + ": " + e.getMessage());
        return false;
      }
      flows = GrantedFlows.of(set.grants(), labels, at == null ? Instant.now() : at,
          environment);
      flows.warnings().forEach(w -> err.println("warning: " + w));
      return true;
    }
  }

  /** {@code imprint netpol generate -f grants/ --labels map.yaml}. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Writes NetworkPolicies from the net: grants: a default deny (ingress and"
          + " egress) and DNS egress per namespace, then exactly the granted flows; proves them"
          + " by running connectivity on them before writing. Exit 0, or 2 on invalid input.")
  static final class Generate extends GrantOptions implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write the policies to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      boolean ok = load(err);
      err.flush();
      if (!ok) {
        return Main.USAGE;
      }
      String yaml = PolicyGenerator.generate(labels, flows);
      PolicyCheck.Result proof = prove(yaml, labels, flows);
      if (!proof.findings().isEmpty()) {
        throw new IllegalStateException("the generated policies do not allow exactly the"
            + " granted flows (a bug in Imprint): " + proof.findings().get(0).text());
      }
      if (output == null) {
        spec.commandLine().getOut().print(yaml);
        spec.commandLine().getOut().flush();
      } else {
        OutputFile.writeAtomically(output, yaml);
      }
      return Main.OK;
    }
  }

  /**
   * Runs connectivity on generated policies over one workload per identity (and the DNS
   * server) and compares the result with the grants: it must be exactly the granted flows.
   */
  static PolicyCheck.Result prove(String yaml, IdentityLabels labels, GrantedFlows flows) {
    ClusterReader.Result r = ClusterReader.read(List.of(SourceFile.of("generated.yaml", yaml)));
    if (!r.errors().isEmpty()) {
      throw new IllegalStateException("generated policies do not parse: " + r.errors());
    }
    List<Workload> workloads = new ArrayList<>();
    for (IdentityLabels.Identity id : labels.identities()) {
      workloads.add(new Workload(id.namespace(), id.name(), "Deployment", id.labels(),
          List.of()));
    }
    workloads.add(new Workload(labels.dnsNamespace(), "kube-dns", "Deployment",
        labels.dnsLabels(), List.of()));
    Cluster c = new Cluster(r.cluster().namespaces(), workloads, r.cluster().policies());
    return PolicyCheck.run(c, labels, flows);
  }

  /** {@code imprint netpol check -f grants/ --labels map.yaml PATH...}. */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Compares the manifests' NetworkPolicies with the net: grants: flows allowed"
          + " that no grant asks for, granted flows that are blocked, and workloads that cannot"
          + " reach the cluster DNS. Exit 0 when they agree, 1 on differences, 2 on invalid"
          + " input.")
  static final class Check extends GrantOptions implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH",
        description = "Manifest files or directories (*.yaml, *.yml, *.json, recursively).")
    List<Path> paths;

    @Option(names = "--format", defaultValue = "txt", paramLabel = "txt|json",
        description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() throws IOException {
      if (!format.equals("txt") && !format.equals("json")) {
        throw new IllegalArgumentException("expected format txt or json, got " + format);
      }
      PrintWriter err = spec.commandLine().getErr();
      boolean ok = load(err);
      ClusterReader.Result r = ok ? manifests(paths, err) : null;
      err.flush();
      if (r == null) {
        return Main.USAGE;
      }
      PolicyCheck.Result result = PolicyCheck.run(r.cluster(), labels, flows);
      result.notes().forEach(n -> err.println("note: " + n));
      err.flush();
      PrintWriter out = spec.commandLine().getOut();
      if (format.equals("json")) {
        List<java.util.Map<String, String>> json = new ArrayList<>();
        for (PolicyCheck.Finding f : result.findings()) {
          java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
          m.put("kind", f.kind().id());
          m.put("src", f.src());
          m.put("dst", f.dst());
          m.put("conn", f.conn().toString());
          json.add(m);
        }
        out.println(new com.fasterxml.jackson.databind.ObjectMapper()
            .writerWithDefaultPrettyPrinter().writeValueAsString(json));
      } else {
        result.findings().forEach(f -> out.println(f.text()));
        out.println(result.findings().isEmpty() ? "the policies allow exactly the granted flows"
            : result.findings().size() + " difference(s) between the policies and the grants");
      }
      out.flush();
      return result.findings().isEmpty() ? Main.OK : Main.FINDINGS;
    }
  }
}
