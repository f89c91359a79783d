package dev.imprint.scan.kubernetes;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Reads Kubernetes manifests and checks workload identity, pod security, RBAC and network. */
public final class KubernetesAnalyzer implements Analyzer {
  private static final List<Rule> RULES = rules0();

  private static List<Rule> rules0() {
    List<Rule> all = new ArrayList<>(WorkloadRules.all());
    all.addAll(PodSecurityRules.all());
    all.addAll(RbacRules.all());
    all.addAll(CrossRules.all());
    all.addAll(SecretManifests.all());
    return List.copyOf(all);
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  @Override
  public List<Rule> rules() {
    return RULES;
  }

  @Override
  public Session start(ScanSettings settings) {
    return new KubeSession(settings);
  }

  /** One scan: per-file checks at once, cross-object checks at the end. */
  private static final class KubeSession implements Session {
    private final ScanSettings settings;
    private final ConcurrentLinkedQueue<CrossCheck.Entry> seen = new ConcurrentLinkedQueue<>();
    private final ApplyUnits units = new ApplyUnits();

    KubeSession(ScanSettings settings) {
      this.settings = settings;
    }

    @Override
    public void analyze(SourceFile file, Sink sink) {
      if (ApplyUnits.isLayoutFile(file)) {
        units.note(file);
      }
      KubernetesReader.Result r = KubernetesReader.read(file);
      if (r.problem() != null) {
        sink.diagnose(r.problem());
        return;
      }
      if (units.isPatchBeside(file)) {
        // A kustomize patch holds a few fields merged into a base object, not a manifest.
        return;
      }
      for (KubernetesObject o : r.objects()) {
        new WorkloadCheck(file, sink, o, settings).run();
        if (o.cloudRun()) {
          // No cluster around it: no pod security context, namespace, NetworkPolicy, service
          // account token or RBAC to combine with.
          continue;
        }
        seen.add(new CrossCheck.Entry(file, o));
        new PodSecurityCheck(file, sink, o).run();
        new RbacCheck(file, sink, o).run();
        new SecretManifests(file, sink, o).run();
      }
    }

    @Override
    public void finish(Sink sink) {
      List<CrossCheck.Entry> all = new ArrayList<>();
      for (CrossCheck.Entry e : seen) {
        if (!units.isPatch(e.file())) {
          all.add(e);
        }
      }
      all.sort(Comparator.comparing((CrossCheck.Entry e) -> e.file().path())
          .thenComparingInt(e -> e.obj().line()));
      units.resolve();
      new CrossCheck(all, units, sink).run();
    }
  }
}
