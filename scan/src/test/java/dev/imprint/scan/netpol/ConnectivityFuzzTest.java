package dev.imprint.scan.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.scan.FuzzInput;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes manifests to connectivity: any input gives a located error or a list that formats, and
 * three properties of NetworkPolicy semantics hold for the last policy P of the input over the
 * conformance estate: P changes nothing for pairs whose ends it does not select in its
 * direction; P stripped of its rules only removes connections; P's rules only add back to that.
 */
class ConnectivityFuzzTest {
  private static final SourceFile ESTATE =
      ConnectivityTruthTableTest.source(ConnectivityTruthTableTest.resources()
          .resolve("estate.yaml"));

  @FuzzTest(maxDuration = "2m")
  void manifestsToConnectivityNeverThrowAndPoliciesActOnlyWhereTheySelect(byte[] data) {
    ClusterReader.Result r = ClusterReader.read(List.of(ESTATE,
        SourceFile.of("fuzz.yaml", FuzzInput.text(data))));
    r.errors().forEach(e -> assertThat(e.location().line()).isPositive());
    Cluster full = r.cluster();
    List<Connectivity.Line> lines = Connectivity.analyze(full);
    for (Connectivity.Line l : lines) {
      assertThat(l.src()).isNotEqualTo(l.dst());
      assertThat(l.conn().isEmpty()).isFalse();
    }
    ConnectivityFormat.TXT.write(lines);
    ConnectivityFormat.JSON.write(lines);
    if (full.policies().isEmpty()) {
      return;
    }
    NetworkPolicy p = full.policies().get(full.policies().size() - 1);
    List<NetworkPolicy> rest = new ArrayList<>(full.policies().subList(0,
        full.policies().size() - 1));
    Cluster base = new Cluster(full.namespaces(), full.workloads(), rest);
    List<NetworkPolicy> withDeny = new ArrayList<>(rest);
    withDeny.add(new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.ingress(),
        p.egress(), List.of(), List.of()));
    Cluster denied = new Cluster(full.namespaces(), full.workloads(), withDeny);
    Connectivity cBase = Connectivity.of(base);
    Connectivity cDenied = Connectivity.of(denied);
    Connectivity cFull = Connectivity.of(full);
    for (Workload s : full.workloads()) {
      for (Workload d : full.workloads()) {
        if (s == d) {
          continue;
        }
        Connections before = cBase.between(s, d);
        Connections afterDeny = cDenied.between(s, d);
        Connections after = cFull.between(s, d);
        boolean touches = p.egress() && p.selects(s) || p.ingress() && p.selects(d);
        if (!touches) {
          assertThat(after).as("%s -> %s untouched by %s", s, d, p.name()).isEqualTo(before);
        }
        assertThat(afterDeny.minus(before).isEmpty()).as("isolation adds %s -> %s", s, d)
            .isTrue();
        assertThat(afterDeny.minus(after).isEmpty()).as("rules remove %s -> %s", s, d).isTrue();
      }
    }
  }
}
