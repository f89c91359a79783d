package dev.imprint.bench.netpol;

import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic cluster for the connectivity benchmark: {@code workloads} Deployments spread over
 * 20 namespaces (labels app, tier, team; container ports with names), and {@code policies}
 * NetworkPolicies mixing what real estates hold: a default deny per namespace, ingress by pod
 * selector, by namespace selector with matchExpressions, and by both; ipBlocks with except;
 * numbered, ranged (endPort) and named ports; egress to tiers and to address ranges. Fixed seed,
 * so every run analyses the same manifests.
 */
public final class NetpolCorpus {
  static final int NAMESPACES = 20;
  private static final String[] TIERS = {"web", "api", "db", "cache", "batch"};
  private static final String[] TEAMS = {"payments", "orders", "search", "identity"};

  private NetpolCorpus() {}

  /** The manifests: one file of namespaces and workloads, one of policies. */
  public static List<SourceFile> manifests(int workloads, int policies) {
    SplittableRandom rnd = new SplittableRandom(12);
    StringBuilder w = new StringBuilder();
    for (int n = 0; n < NAMESPACES; n++) {
      w.append(String.format(Locale.ROOT, "---%napiVersion: v1%nkind: Namespace%nmetadata:%n"
          + "  name: ns-%d%n  labels:%n    team: %s%n    env: %s%n", n, TEAMS[n % TEAMS.length],
          n % 3 == 0 ? "prod" : "dev"));
    }
    for (int i = 0; i < workloads; i++) {
      w.append(String.format(Locale.ROOT, "---%napiVersion: apps/v1%nkind: Deployment%n"
          + "metadata:%n  name: app-%d%n  namespace: ns-%d%nspec:%n  template:%n    metadata:%n"
          + "      labels:%n        app: app-%d%n        tier: %s%n        team: %s%n"
          + "    spec:%n      containers:%n      - name: main%n        image: app%n"
          + "        ports:%n        - name: http%n          containerPort: %d%n"
          + "        - name: metrics%n          containerPort: 9100%n", i, i % NAMESPACES, i,
          TIERS[rnd.nextInt(TIERS.length)], TEAMS[rnd.nextInt(TEAMS.length)],
          8000 + rnd.nextInt(100)));
    }
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < policies; i++) {
      int ns = i % NAMESPACES;
      p.append(String.format(Locale.ROOT, "---%napiVersion: networking.k8s.io/v1%n"
          + "kind: NetworkPolicy%nmetadata:%n  name: p-%d%n  namespace: ns-%d%nspec:%n", i, ns));
      if (i < NAMESPACES) {
        p.append("  podSelector: {}\n  policyTypes: [Ingress]\n");
        continue;
      }
      String tier = TIERS[rnd.nextInt(TIERS.length)];
      String from = TIERS[rnd.nextInt(TIERS.length)];
      int octet = rnd.nextInt(256);
      switch (rnd.nextInt(5)) {
        case 0 -> p.append(String.format(Locale.ROOT, "  podSelector:%n    matchLabels:"
            + " {tier: %s}%n  ingress:%n  - from:%n    - podSelector:%n        matchLabels:"
            + " {tier: %s}%n    ports:%n    - port: http%n", tier, from));
        case 1 -> p.append(String.format(Locale.ROOT, "  podSelector:%n    matchLabels:"
            + " {tier: %s}%n  ingress:%n  - from:%n    - namespaceSelector:%n"
            + "        matchExpressions:%n        - {key: team, operator: In, values: [%s, %s]}"
            + "%n    ports:%n    - port: 8000%n      endPort: 8049%n", tier,
            TEAMS[rnd.nextInt(TEAMS.length)], TEAMS[rnd.nextInt(TEAMS.length)]));
        case 2 -> p.append(String.format(Locale.ROOT, "  podSelector:%n    matchExpressions:%n"
            + "    - {key: tier, operator: NotIn, values: [%s]}%n  ingress:%n  - from:%n"
            + "    - namespaceSelector:%n        matchLabels: {env: prod}%n      podSelector:%n"
            + "        matchLabels: {team: %s}%n    - ipBlock:%n        cidr: 10.%d.0.0/16%n"
            + "        except: [10.%d.1.0/24]%n    ports:%n    - port: metrics%n"
            + "    - {port: 53, protocol: UDP}%n", tier, TEAMS[rnd.nextInt(TEAMS.length)],
            octet, octet));
        case 3 -> p.append(String.format(Locale.ROOT, "  podSelector:%n    matchLabels:"
            + " {tier: %s}%n  policyTypes: [Egress]%n  egress:%n  - to:%n    - podSelector:%n"
            + "        matchLabels: {tier: %s}%n  - to:%n    - ipBlock:%n"
            + "        cidr: 172.%d.0.0/16%n    ports:%n    - {port: 443}%n", tier, from,
            16 + rnd.nextInt(16)));
        default -> p.append(String.format(Locale.ROOT, "  podSelector:%n    matchLabels:"
            + " {app: app-%d}%n  ingress:%n  - from:%n    - namespaceSelector: {}%n"
            + "      podSelector:%n        matchLabels: {tier: %s}%n", i % workloads, from));
      }
    }
    List<SourceFile> out = new ArrayList<>();
    out.add(SourceFile.of("workloads.yaml", w.toString()));
    out.add(SourceFile.of("policies.yaml", p.toString()));
    return out;
  }
}
