package dev.imprint.scan.kubernetes;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;

/** Reads Kubernetes manifests and checks workload identity, pod security and exposure. */
public final class KubernetesAnalyzer implements Analyzer {
  private static final List<Rule> RULES = rules0();

  private static List<Rule> rules0() {
    List<Rule> all = new ArrayList<>(WorkloadRules.all());
    all.addAll(PodSecurityRules.all());
    all.addAll(RbacRules.all());
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
    return (SourceFile file, Sink sink) -> {
      KubernetesReader.Result r = KubernetesReader.read(file);
      if (r.problem() != null) {
        sink.diagnose(r.problem());
        return;
      }
      for (KubernetesObject o : r.objects()) {
        new WorkloadCheck(file, sink, o, settings).run();
        new PodSecurityCheck(file, sink, o).run();
        new RbacCheck(file, sink, o).run();
      }
    };
  }
}
