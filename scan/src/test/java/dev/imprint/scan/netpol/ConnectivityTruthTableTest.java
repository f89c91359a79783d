package dev.imprint.scan.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Reachability truth tables: the scenarios of the Kubernetes documentation's NetworkPolicy page
 * and of the upstream network-policy conformance tests, written here over their estate (x, y,
 * z times a, b, c). Each case has policies ({@code NN-name.yaml}) and, per probed protocol and
 * port, the expected grid ({@code NN-name.expect}: rows are sources, columns destinations).
 */
class ConnectivityTruthTableTest {
  static Path resources() {
    try {
      return Path.of(ConnectivityTruthTableTest.class.getResource("/netpol").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static SourceFile source(Path p) {
    try {
      return new SourceFile(p.getFileName().toString(), p, Files.readString(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> cases() throws IOException {
    try (Stream<Path> s = Files.list(resources().resolve("truth"))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void theTruthTablesAreAllThere() throws IOException {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(30);
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesItsTruthTable() throws IOException {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(),
        () -> check(c)));
  }

  private static void check(Path policies) throws IOException {
    ClusterReader.Result r = ClusterReader.read(List.of(
        source(resources().resolve("estate.yaml")), source(policies)));
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().workloads()).extracting(Workload::toString).containsExactly(
        "x/a[Deployment]", "x/b[Deployment]", "x/c[Deployment]", "y/a[Deployment]",
        "y/b[Deployment]", "y/c[Deployment]", "z/a[Deployment]", "z/b[Deployment]",
        "z/c[Deployment]");
    Connectivity c = Connectivity.of(r.cluster());
    Path expect = Path.of(policies.toString().replace(".yaml", ".expect"));
    List<String> lines = Files.readAllLines(expect, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    List<String> mismatches = new ArrayList<>();
    int probes = 0;
    for (int i = 0; i < lines.size(); i += 10) {
      String[] probe = lines.get(i).split(" ");
      Protocol protocol = Protocol.valueOf(probe[0]);
      int port = Integer.parseInt(probe[1]);
      probes++;
      for (int s = 0; s < 9; s++) {
        String row = lines.get(i + 1 + s);
        Workload src = workload(r.cluster(), row.substring(0, 3));
        String cells = row.substring(4);
        assertThat(cells).hasSize(9);
        for (int d = 0; d < 9; d++) {
          if (d == s) {
            continue;
          }
          Workload dst = r.cluster().workloads().get(d);
          boolean expected = cells.charAt(d) == 'X';
          boolean actual = c.between(src, dst).contains(protocol, port);
          if (expected != actual) {
            mismatches.add(String.format(Locale.ROOT, "%s %d: %s -> %s expected %s, got %s",
                protocol, port, src, dst, expected ? "allowed" : "denied",
                actual ? "allowed" : "denied"));
          }
        }
      }
    }
    assertThat(probes).isPositive();
    assertThat(mismatches).isEmpty();
  }

  private static Workload workload(Cluster cluster, String nsSlashName) {
    return cluster.workloads().stream()
        .filter(w -> (w.namespace() + "/" + w.name()).equals(nsSlashName)).findFirst()
        .orElseThrow();
  }
}
