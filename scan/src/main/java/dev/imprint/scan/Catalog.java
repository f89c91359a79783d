package dev.imprint.scan;

import dev.imprint.scan.aws.AwsAnalyzer;
import dev.imprint.scan.azure.AzureAnalyzer;
import dev.imprint.scan.ci.CiAnalyzer;
import dev.imprint.scan.compose.ComposeAnalyzer;
import dev.imprint.scan.dockerfile.DockerfileAnalyzer;
import dev.imprint.scan.gcp.GcpAnalyzer;
import dev.imprint.scan.kubernetes.KubernetesAnalyzer;
import dev.imprint.scan.packer.PackerAnalyzer;
import dev.imprint.scan.secret.SecretAnalyzer;
import dev.imprint.scan.terraform.TerraformAnalyzer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The built-in analyzers and the rule catalog they make up. */
public final class Catalog {
  private static final List<Analyzer> ANALYZERS = List.of(
      new DockerfileAnalyzer(),
      new KubernetesAnalyzer(),
      new TerraformAnalyzer(),
      new AwsAnalyzer(),
      new GcpAnalyzer(),
      new AzureAnalyzer(),
      new PackerAnalyzer(),
      new ComposeAnalyzer(),
      new CiAnalyzer(),
      new SecretAnalyzer());

  private static final List<Rule> RULES = collect();

  private Catalog() {}

  public static List<Analyzer> analyzers() {
    return ANALYZERS;
  }

  /** Every rule, sorted by id. */
  public static List<Rule> rules() {
    return RULES;
  }

  public static Optional<Rule> rule(String id) {
    return RULES.stream().filter(r -> r.id().equalsIgnoreCase(id)).findFirst();
  }

  private static List<Rule> collect() {
    Map<String, String> owner = new HashMap<>();
    List<Rule> all = new ArrayList<>();
    for (Analyzer a : ANALYZERS) {
      for (Rule r : a.rules()) {
        String previous = owner.putIfAbsent(r.id(), a.name());
        if (previous != null) {
          throw new IllegalStateException(
              "rule id " + r.id() + " is defined by both " + previous + " and " + a.name());
        }
        all.add(r);
      }
    }
    all.sort(Comparator.comparing(Rule::id));
    return List.copyOf(all);
  }
}
