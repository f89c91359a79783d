package dev.imprint.cli.netpol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The label mapping file: what it accepts and what it refuses, with the line. */
class IdentityLabelsTest {
  private static final String HEAD = "apiVersion: imprint.dev/v1\nkind: NetpolLabels\n";

  @Test
  void readsIdentitiesWithDefaultNamesAndDns() {
    IdentityLabels l = IdentityLabels.parse("m.yaml", HEAD + """
        identities:
          - {id: spiffe://td/shop/Api_1, namespace: shop, labels: {app: api}}
          - {id: spiffe://td/shop/db, namespace: shop, labels: {app: db}, name: orders-db}
        """);
    assertThat(l.identities()).extracting(IdentityLabels.Identity::name)
        .containsExactly("api-1", "orders-db");
    assertThat(l.dnsNamespace()).isEqualTo("kube-system");
    assertThat(l.dnsLabels()).containsEntry("k8s-app", "kube-dns");
  }

  @Test
  void refusesWhatWouldSelectTooMuch() {
    assertThatThrownBy(() -> IdentityLabels.parse("m.yaml", HEAD + """
        identities:
          - {id: spiffe://td/a, namespace: shop, labels: {}}
        """)).isInstanceOf(NetpolException.class).hasMessageContaining("m.yaml:4:")
        .hasMessageContaining("at least one pod label");
    assertThatThrownBy(() -> IdentityLabels.parse("m.yaml", HEAD + """
        identities:
          - {id: spiffe://td/a, namespace: shop, labels: {app: a}}
          - {id: spiffe://td/a, namespace: shop, labels: {app: b}}
        """)).hasMessageContaining("mapped twice");
    assertThatThrownBy(() -> IdentityLabels.parse("m.yaml", HEAD + "identitys: []\n"))
        .hasMessageContaining("unknown key identitys");
    assertThatThrownBy(() -> IdentityLabels.parse("m.yaml", HEAD + """
        identities:
          - {id: "spiffe://TD/a", namespace: shop, labels: {app: a}}
        """)).hasMessageContaining("expected id: a SPIFFE ID");
    assertThatThrownBy(() -> IdentityLabels.parse("m.yaml", "kind: Grants\n"))
        .hasMessageContaining("expected apiVersion imprint.dev/v1 and kind NetpolLabels");
  }
}
