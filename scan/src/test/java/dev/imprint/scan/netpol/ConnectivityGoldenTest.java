package dev.imprint.scan.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Whole connectivity lists, written by hand: the Kubernetes documentation's example policy with
 * its IP ranges, peer naming (owner references, default namespace) and port formats, in txt and
 * json.
 */
class ConnectivityGoldenTest {
  private static final Path GOLDEN = ConnectivityTruthTableTest.resources().resolve("golden");

  @TestFactory
  Stream<DynamicTest> everyDirectoryGivesItsExpectedList() throws IOException {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(GOLDEN)) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(dirs).hasSizeGreaterThanOrEqualTo(3);
    return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> {
      ClusterReader.Result r = ClusterReader.readPaths(List.of(d));
      assertThat(r.errors()).isEmpty();
      List<Connectivity.Line> lines = Connectivity.analyze(r.cluster());
      assertThat(ConnectivityFormat.TXT.write(lines))
          .isEqualTo(Files.readString(d.resolve("expected.txt")));
      Path json = d.resolve("expected.json");
      if (Files.exists(json)) {
        assertThat(ConnectivityFormat.JSON.write(lines)).isEqualTo(Files.readString(json));
      }
    }));
  }

  @Test
  void anEmptyListIsAnEmptyJsonArray() {
    assertThat(ConnectivityFormat.JSON.write(List.of())).isEqualTo("[]\n");
    assertThat(ConnectivityFormat.TXT.write(List.of())).isEmpty();
  }

  @Test
  void whatTheApiServerRefusesIsAnErrorAtItsLine() throws IOException {
    Path dir = ConnectivityTruthTableTest.resources().resolve("invalid");
    ClusterReader.Result r = ClusterReader.readPaths(List.of(dir));
    assertThat(r.cluster().policies()).isEmpty();
    assertThat(r.errors()).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
            .contains("spec.ingress[0].from[0]: expected podSelector, namespaceSelector or"
                + " ipBlock, got none"))
        .anySatisfy(m -> assertThat(m).contains("ipBlock cannot be combined"))
        .anySatisfy(m -> assertThat(m).contains("192.168.0.0/16 must be strictly within"))
        .anySatisfy(m -> assertThat(m).contains("expected In, NotIn, Exists or DoesNotExist, got"
            + " Like"))
        .anySatisfy(m -> assertThat(m).contains("operator In needs at least one value"))
        .anySatisfy(m -> assertThat(m).contains("expected TCP, UDP or SCTP, got ICMP"))
        .anySatisfy(m -> assertThat(m).contains("cannot be used with the named port http"))
        .anySatisfy(m -> assertThat(m).contains("expected a number from 90 to 65535, got 80"))
        .anySatisfy(m -> assertThat(m).contains("got Not_A_Name"))
        .anySatisfy(m -> assertThat(m).contains("expected Ingress or Egress, got Sideways"))
        .hasSize(10);
    assertThat(r.errors().get(0).location().toString()).matches(".*policies.yaml:10:\\d+");
  }

  @Test
  void anIpv6BlockIsAWarningAndMatchesNoIpv4Address() {
    ClusterReader.Result r = ClusterReader.read(List.of(dev.imprint.scan.SourceFile.of("v6.yaml",
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: v6}
        spec:
          podSelector: {}
          ingress:
          - from:
            - ipBlock: {cidr: "2001:db8::/32"}
        """)));
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings()).singleElement().extracting(Diagnostic::message).asString()
        .contains("IPv6 block 2001:db8::/32");
  }
}
