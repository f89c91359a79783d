package dev.imprint.scan.inventory;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Catalog;
import dev.imprint.scan.Finding;
import dev.imprint.scan.FingerprintKey;
import dev.imprint.scan.InternalErrors;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@link Inventory} of scan targets: walks them with the {@link Scanner} (same
 * skipping, exclusions and limits as {@code imprint scan}, and every analyzer, so a secret any
 * rule finds counts), lets one small extractor per source kind collect its model, then
 * assembles identities and links once every file was read.
 */
public final class InventoryBuilder {
  private static final List<Extractor> EXTRACTORS = List.of(new TerraformExtractor(),
      new KubernetesExtractor(), new GithubExtractor(), new GitlabExtractor(),
      new JenkinsExtractor(), new SecretExtractor());

  /** A scan report and the inventory of the same walk over the targets. */
  public record Scanned(ScanReport report, Inventory inventory) {}

  private InventoryBuilder() {}

  /**
   * The inventory of files and directories; the GitHub repository of each workflow (for OIDC
   * {@code sub} matching) is the git remote of the checkout whose root holds it, if any.
   *
   * @throws Scanner.TargetException when a target does not exist or cannot be read
   */
  public static Inventory build(List<Path> targets, ScanSettings settings) {
    return build(targets, settings, null);
  }

  /**
   * The inventory of files and directories of a known GitHub repository.
   *
   * @param repository {@code owner/name} every workflow runs in, or null to read it per
   *     workflow from the git remote of its checkout
   * @throws Scanner.TargetException when a target does not exist or cannot be read
   */
  public static Inventory build(List<Path> targets, ScanSettings settings, String repository) {
    Collector c = new Collector();
    ScanReport r = Scanner.create(settings, analyzers(c), Clock.systemUTC()).scan(targets);
    return assemble(withSecrets(c.facts, r, settings.fingerprintKey()), repository);
  }

  /**
   * Scans the targets once for both a report and the inventory ({@code imprint scan --upload}):
   * the report is the one {@code Scanner.create(settings).scan(targets, listener)} gives (the
   * inventory's collector reports nothing), the inventory the one
   * {@link #build(List, ScanSettings, String)} gives for the same settings.
   *
   * @throws Scanner.TargetException when a target does not exist or cannot be read
   */
  public static Scanned scan(List<Path> targets, ScanSettings settings, String repository,
      Scanner.Listener listener) {
    Collector c = new Collector();
    ScanReport r = Scanner.create(settings, analyzers(c), Clock.systemUTC())
        .scan(targets, listener);
    return new Scanned(r, assemble(withSecrets(c.facts, r, settings.fingerprintKey()), repository));
  }

  /** The inventory of in-memory files (tests, benchmarks). */
  public static Inventory buildSources(List<SourceFile> files, String repository) {
    Collector c = new Collector();
    ScanSettings settings = ScanSettings.defaults();
    ScanReport r = Scanner.create(settings, analyzers(c), Clock.systemUTC())
        .scanSources(files);
    return assemble(withSecrets(c.facts, r, settings.fingerprintKey()), repository);
  }

  private static List<Analyzer> analyzers(Collector c) {
    List<Analyzer> all = new ArrayList<>(Catalog.analyzers());
    all.add(c);
    return all;
  }

  /** Adds the secrets the rules found that the extractors did not (same file, line, value). */
  private static Facts withSecrets(Facts facts, ScanReport report, FingerprintKey key) {
    Set<String> seen = new HashSet<>();
    List<Facts.Embedded> keyed = new ArrayList<>();
    for (Facts.Embedded e : facts.embedded) {
      if (e.evidence().placeholder()) {
        continue;
      }
      Facts.Embedded k = new Facts.Embedded(e.path(), e.line(), e.kind(),
          e.evidence().keyed(key));
      keyed.add(k);
      seen.add(k.path() + ":" + k.line() + "#" + k.evidence().fingerprint());
    }
    facts.embedded.clear();
    facts.embedded.addAll(keyed);
    for (Finding f : report.findings()) {
      if (f.secret() != null && seen.add(f.location().path() + ":" + f.location().line() + "#"
          + f.secret().fingerprint())) {
        facts.embedded.add(new Facts.Embedded(f.location().path(), f.location().line(),
            "secret (" + f.ruleId() + ")", f.secret()));
      }
    }
    return facts;
  }

  static Inventory assemble(Facts facts, String repository) {
    List<Identity> ids = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    KubernetesIdentities.Result k8s = KubernetesIdentities.build(facts.kubernetes);
    ids.addAll(k8s.identities());
    links.addAll(k8s.links());
    AwsIdentities.Result aws = AwsIdentities.build(facts.terraform);
    ids.addAll(aws.identities());
    links.addAll(aws.links());
    CloudIdentities.build(facts.terraform, ids, links);
    List<Facts.Pipeline> pipelines = new ArrayList<>(facts.pipelines);
    pipelines.sort(Comparator.comparing(p -> p.identity().id()));
    pipelines.forEach(p -> ids.add(p.identity()));
    List<Identity> embedded = Linker.embedded(facts.embedded);
    ids.addAll(embedded);
    links.addAll(Linker.link(aws, pipelines, embedded, repository));
    ids.sort(Comparator.comparing((Identity i) -> Inventory.KINDS.indexOf(i.kind()))
        .thenComparing(Identity::id));
    links.sort(Comparator.comparing((Link l) -> Inventory.LINK_KINDS.indexOf(l.kind()))
        .thenComparing(Link::from).thenComparing(Link::to)
        .thenComparing(Link::fromLocation));
    return new Inventory(ids, links);
  }

  /** An analyzer without rules that hands every file to the extractors. */
  static final class Collector implements Analyzer {
    final Facts facts = new Facts();
    private final List<Extractor> extractors;

    Collector() {
      this(EXTRACTORS);
    }

    Collector(List<Extractor> extractors) {
      this.extractors = List.copyOf(extractors);
    }

    @Override
    public String name() {
      return "inventory";
    }

    @Override
    public List<Rule> rules() {
      return List.of();
    }

    @Override
    public Session start(ScanSettings settings) {
      return (file, sink) -> {
        for (Extractor e : extractors) {
          try {
            e.read(file, facts);
          } catch (RuntimeException | StackOverflowError ex) {
            // Extractors read typed models that never throw on malformed input, so this is a
            // bug: say so, naming the file, and let the other extractors still run.
            sink.diagnose(InternalErrors.diagnose(file.path(),
                "inventory " + e.getClass().getSimpleName(), ex));
          }
        }
      };
    }
  }
}
