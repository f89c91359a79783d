package dev.imprint.scan.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Port sets and connection sets: algebra and np-guard's text form. */
class ConnectionsTest {
  @Test
  void portSetsMergeAdjacentRangesAndSubtract() {
    PortSet s = PortSet.range(80, 81).union(PortSet.of(82)).union(PortSet.range(8000, 8099));
    assertThat(s).hasToString("80-82,8000-8099");
    assertThat(s.minus(PortSet.of(8081))).hasToString("80-82,8000-8080,8082-8099");
    assertThat(PortSet.all().minus(PortSet.of(53))).hasToString("1-52,54-65535");
    assertThat(s.intersect(PortSet.range(81, 8000))).hasToString("81-82,8000");
    assertThat(PortSet.range(0, 70000).isAll()).isTrue();
    assertThat(PortSet.range(10, 9).isEmpty()).isTrue();
  }

  @Test
  void connectionsPrintAsNpGuardDoes() {
    Connections c = Connections.of(Protocol.UDP, PortSet.of(53))
        .union(Connections.of(Protocol.TCP, PortSet.of(8080)))
        .union(Connections.of(Protocol.SCTP, PortSet.all()));
    assertThat(c).hasToString("SCTP 1-65535,TCP 8080,UDP 53");
    assertThat(Connections.none()).hasToString("No Connections");
    Connections every = Connections.none();
    for (Protocol p : Protocol.values()) {
      every = every.union(Connections.of(p, PortSet.all()));
    }
    assertThat(every).hasToString("All Connections");
    assertThat(every.isAll()).isTrue();
    assertThat(Connections.all().minus(every).isEmpty()).isTrue();
    assertThat(c.intersect(Connections.of(Protocol.TCP, PortSet.range(1, 9000))))
        .hasToString("TCP 8080");
  }

  @Test
  void ipRangesSplitAroundTheirExcepts() {
    IpRange r = IpRange.parseCidr("172.17.0.0/16");
    assertThat(r.minus(List.of(IpRange.parseCidr("172.17.1.0/24"))))
        .extracting(IpRange::toString)
        .containsExactly("172.17.0.0-172.17.0.255", "172.17.2.0-172.17.255.255");
    assertThat(IpRange.parseCidr("10.1.2.3/8")).hasToString("10.0.0.0-10.255.255.255");
    assertThat(IpRange.parseCidr("0.0.0.0/0")).isEqualTo(IpRange.everything());
    assertThat(IpRange.parseCidr("10.0.0.0/33")).isNull();
    assertThat(IpRange.parseCidr("10.0.0/8")).isNull();
    assertThat(IpRange.parseCidr("256.0.0.0/8")).isNull();
  }
}
