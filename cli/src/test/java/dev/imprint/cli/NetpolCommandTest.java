package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.netpol.ClusterReader;
import dev.imprint.scan.netpol.Connectivity;
import dev.imprint.scan.netpol.ConnectivityFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imprint netpol}: connectivity, generate (proven by connectivity) and check. */
class NetpolCommandTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "netpol");

  @TempDir
  Path dir;

  private static String deployment(String ns, String name, String labels) {
    return "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name
        + "\n  namespace: " + ns + "\nspec:\n  template:\n    metadata:\n      labels: " + labels
        + "\n    spec:\n      containers:\n      - name: c\n        image: i\n";
  }

  @Test
  void connectivityListsTheArticlesPolicyInTxtAndJson() {
    Cli txt = Cli.run("netpol", "connectivity", EXAMPLE.resolve("manifests").toString());
    assertThat(txt.code()).isZero();
    assertThat(txt.out()).contains("shop/api[Deployment] => shop/database[Deployment] : TCP 5432\n")
        .doesNotContain("shop/api[Deployment] => kube-system/coredns[Deployment]")
        .contains("0.0.0.0-255.255.255.255 => shop/api[Deployment] : All Connections\n");
    Cli json = Cli.run("netpol", "connectivity", "--format", "json",
        EXAMPLE.resolve("manifests").toString());
    assertThat(json.code()).isZero();
    assertThat(json.out()).startsWith("[\n  {\n    \"src\": ").contains(
        "    \"src\": \"shop/api[Deployment]\",\n    \"dst\": \"shop/database[Deployment]\",\n"
            + "    \"conn\": \"TCP 5432\"\n");
  }

  @Test
  void connectivityRefusesAPolicyTheApiServerWouldRefuse() throws IOException {
    Files.writeString(dir.resolve("bad.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: bad, namespace: x}
        spec:
          podSelector: {}
          ingress:
          - ports:
            - port: 80
              protocol: ICMP
        """);
    Cli r = Cli.run("netpol", "connectivity", dir.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("bad.yaml:8:").contains("expected TCP, UDP or SCTP, got ICMP");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void connectivityOfAMissingPathIsAUsageError() {
    Cli r = Cli.run("netpol", "connectivity", dir.resolve("nope").toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("cannot read manifests");
  }

  @Test
  void checkFindsTheArticlesDnsGap() {
    Cli r = Cli.run("netpol", "check", "-f", EXAMPLE.resolve("grants").toString(), "--labels",
        EXAMPLE.resolve("labels.yaml").toString(), EXAMPLE.resolve("manifests").toString());
    assertThat(r.code()).isEqualTo(Main.FINDINGS);
    assertThat(r.out()).contains("dns-blocked: shop/api[Deployment] =>"
        + " kube-system/coredns[Deployment] : TCP 53,UDP 53\n");
    // The database has no policy: everything may reach it and it may reach everything.
    assertThat(r.out()).contains("allowed-not-granted: shop/database[Deployment] =>"
        + " shop/api[Deployment] : All Connections\n");
    assertThat(r.out()).doesNotContain("granted-blocked");
  }

  @Test
  void theGeneratedExampleIsWhatGenerateWritesToday() throws IOException {
    Path out = dir.resolve("policies.yaml");
    Cli r = Cli.run("netpol", "generate", "-f", EXAMPLE.resolve("grants").toString(),
        "--labels", EXAMPLE.resolve("labels.yaml").toString(), "-o", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out))
        .isEqualTo(Files.readString(EXAMPLE.resolve("generated").resolve("policies.yaml")));
  }

  @Test
  void checkOfTheGeneratedExampleAgreesWithTheGrants() throws IOException {
    Path manifests = dir.resolve("m");
    Files.createDirectories(manifests);
    Files.writeString(manifests.resolve("w.yaml"),
        deployment("shop", "api", "{app: api}") + deployment("shop", "database", "{app: database}")
            + deployment("kube-system", "coredns", "{k8s-app: kube-dns}"));
    Files.copy(EXAMPLE.resolve("generated").resolve("policies.yaml"),
        manifests.resolve("policies.yaml"));
    Cli r = Cli.run("netpol", "check", "-f", EXAMPLE.resolve("grants").toString(), "--labels",
        EXAMPLE.resolve("labels.yaml").toString(), manifests.toString());
    assertThat(r.out()).isEqualTo("the policies allow exactly the granted flows\n");
    assertThat(r.code()).isZero();
  }

  /**
   * The proof: connectivity of the generated policies over the identities' workloads and the
   * DNS server is exactly the granted flows (a range less a deny, a prefix subject) plus DNS.
   */
  @Test
  void generatedPoliciesAllowExactlyTheGrantsPlusDns() throws IOException {
    Path grants = Files.createDirectories(dir.resolve("grants"));
    Files.writeString(grants.resolve("net.yaml"), """
        apiVersion: imprint.dev/v1
        kind: Grants
        grants:
          - id: api-to-db
            subject: spiffe://td/shop/api
            resource: net:spiffe://td/data/db:5432/tcp
          - id: web-to-api
            subject: spiffe://td/shop/web
            resource: net:spiffe://td/shop/api:8000-8099/tcp
          - id: web-not-debug
            effect: deny
            subject: spiffe://td/shop/web
            resource: net:spiffe://td/shop/api:8081/tcp
          - id: batch-to-db
            subject: spiffe://td/batch/*
            resource: net:spiffe://td/data/db:5432/tcp
          - id: web-metrics
            subject: spiffe://td/shop/web
            resource: net:spiffe://td/shop/api:9100/udp
          - id: expired
            subject: spiffe://td/shop/web
            resource: net:spiffe://td/data/db:*/tcp
            conditions: {expires: 2020-01-01T00:00:00Z}
        """);
    Path labels = dir.resolve("labels.yaml");
    Files.writeString(labels, """
        apiVersion: imprint.dev/v1
        kind: NetpolLabels
        identities:
          - {id: spiffe://td/shop/api, namespace: shop, labels: {app: api}}
          - {id: spiffe://td/shop/web, namespace: shop, labels: {app: web}}
          - {id: spiffe://td/data/db, namespace: data, labels: {app: db, tier: data}}
          - {id: spiffe://td/batch/report, namespace: batch, labels: {app: report}}
        """);
    Path manifests = Files.createDirectories(dir.resolve("cluster"));
    Cli r = Cli.run("netpol", "generate", "-f", grants.toString(), "--labels",
        labels.toString(), "-o", manifests.resolve("policies.yaml").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("grant expired expired at 2020-01-01T00:00:00Z");
    Files.writeString(manifests.resolve("workloads.yaml"),
        deployment("shop", "api", "{app: api}") + deployment("shop", "web", "{app: web}")
            + deployment("data", "db", "{app: db, tier: data}")
            + deployment("batch", "report", "{app: report}")
            + deployment("kube-system", "coredns", "{k8s-app: kube-dns}"));
    ClusterReader.Result cluster = ClusterReader.readPaths(List.of(manifests));
    assertThat(cluster.errors()).isEmpty();
    assertThat(ConnectivityFormat.TXT.write(Connectivity.analyze(cluster.cluster())))
        .isEqualTo("""
            0.0.0.0-255.255.255.255 => kube-system/coredns[Deployment] : All Connections
            batch/report[Deployment] => data/db[Deployment] : TCP 5432
            batch/report[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53
            data/db[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53
            kube-system/coredns[Deployment] => 0.0.0.0-255.255.255.255 : All Connections
            shop/api[Deployment] => data/db[Deployment] : TCP 5432
            shop/api[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53
            shop/web[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53
            shop/web[Deployment] => shop/api[Deployment] : TCP 8000-8080,8082-8099,UDP 9100
            """);
    Cli check = Cli.run("netpol", "check", "-f", grants.toString(), "--labels",
        labels.toString(), manifests.toString());
    assertThat(check.code()).as(check.out()).isZero();
  }

  @Test
  void checkFindsGrantedFlowsThatADefaultDenyBlocks() throws IOException {
    Path manifests = Files.createDirectories(dir.resolve("deny"));
    Files.writeString(manifests.resolve("all.yaml"),
        deployment("shop", "api", "{app: api}") + deployment("shop", "database", "{app: database}")
            + """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: shop}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
            """);
    Cli r = Cli.run("netpol", "check", "-f", EXAMPLE.resolve("grants").toString(), "--labels",
        EXAMPLE.resolve("labels.yaml").toString(), "--format", "json", manifests.toString());
    assertThat(r.code()).isEqualTo(Main.FINDINGS);
    assertThat(r.out()).contains("\"kind\" : \"granted-blocked\"")
        .contains("\"conn\" : \"TCP 5432\"").contains("\"kind\" : \"dns-blocked\"");
    assertThat(r.err()).contains("no manifest declares the cluster DNS");
  }

  @Test
  void aLabelMappingThatCannotTellIdentitiesApartIsRefused() throws IOException {
    Path labels = dir.resolve("labels.yaml");
    Files.writeString(labels, """
        apiVersion: imprint.dev/v1
        kind: NetpolLabels
        identities:
          - {id: spiffe://td/a, namespace: shop, labels: {app: api}}
          - {id: spiffe://td/b, namespace: shop, labels: {app: api, tier: x}}
        """);
    Cli r = Cli.run("netpol", "generate", "-f", EXAMPLE.resolve("grants").toString(),
        "--labels", labels.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("netpol.labels_invalid").contains("cannot be told apart");
  }
}
