package dev.imprint.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantParserTest {
  private static final String HEAD = "apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n";

  @Test
  void parseWhenValidThenEveryFieldIsKept() {
    GrantSet set = GrantParser.parse("g.yaml", HEAD + """
          - id: api-reads-orders
            name: the API reads orders
            subject: spiffe://prod.acme/payments/api
            resource: db:postgres://orders-db:5432/orders/public
            privileges: [read]
            conditions:
              environment: prod
              expires: 2027-06-30T00:00:00+02:00
              timeWindow: {days: [mon, fri], start: "06:00", end: "22:00", zone: Europe/Paris}
              imageApproved: true
        """);
    assertThat(set.diagnostics()).isEmpty();
    Grant g = set.grants().get(0);
    assertThat(g.id()).isEqualTo("api-reads-orders");
    assertThat(g.effect()).isEqualTo(Effect.ALLOW);
    assertThat(g.resource()).isEqualTo(new DbResource(
        "db:postgres://orders-db:5432/orders/public", "orders-db", 5432, "orders", "public"));
    assertThat(g.conditions().expires()).isEqualTo(Instant.parse("2027-06-29T22:00:00Z"));
    assertThat(g.conditions().environments()).containsExactly("prod");
    assertThat(g.location()).isEqualTo(new SourceLocation("g.yaml", 4, 5));
  }

  @Test
  void parseWhenMalformedThenEachErrorNamesFileLineAndColumn() {
    GrantSet set = GrantParser.parse("dir/bad.yaml", HEAD + """
          - id: one
            subject: spiffe://prod.acme/pay*
            resource: topic:a
            actions: [read]
          - id: two
            subject: spiffe://prod.acme/x
            resource: topic:a
            action: [read]
        """);
    assertThat(set.grants()).isEmpty();
    assertThat(set.errors()).extracting(Diagnostic::code, d -> d.location().toString())
        .contains(org.assertj.core.groups.Tuple.tuple("grant.subject", "dir/bad.yaml:5:14"),
            org.assertj.core.groups.Tuple.tuple("grant.field", "dir/bad.yaml:11:5"));
    assertThat(set.errors().get(0).toString()).startsWith("dir/bad.yaml:5:14: error");
  }

  @Test
  void parseWhenIdRepeatedAcrossFilesThenBothPlacesAreNamed() {
    String grant = HEAD + "  - {id: dup, subject: spiffe://t/a, resource: 'x:y', actions: [r]}\n";
    GrantSet set = GrantParser.parse(List.of(new GrantSource("a.yaml", grant),
        new GrantSource("b.yaml", grant)));
    assertThat(set.errors()).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("grant.id");
      assertThat(d.location().file()).isEqualTo("b.yaml");
      assertThat(d.message()).contains("a.yaml:4:");
    });
  }

  @Test
  void parseWhenAnchorsOrTagsThenRefused() {
    GrantSet set = GrantParser.parse(List.of(
        new GrantSource("a.yaml",
            HEAD + "  - &g {id: a, subject: spiffe://t/a, resource: 'x:y', actions: [r]}\n"),
        new GrantSource("b.yaml", HEAD + "  - !!python/object {id: b}\n")));
    assertThat(set.errors()).extracting(Diagnostic::code).containsOnly("grant.yaml");
    assertThat(set.errors()).hasSize(2);
  }

  @Test
  void snapshotRoundTripsThroughJson() {
    GrantSet set = GrantParser.parse("g.yaml", HEAD + """
          - id: a
            subject: spiffe://t/a/*
            effect: deny
            resource: http:spiffe://t/orders
            methods: [GET]
            paths: [/orders/*, "/caf%C3%A9"]
            conditions: {timeWindow: {start: "00:00", end: "24:00"}, environment: [prod, dev]}
          - id: b
            subject: spiffe://t/a
            resource: net:spiffe://t/db:5000-5999/tcp
            conditions: {expires: 2027-01-01T00:00:00Z}
        """);
    assertThat(set.errors()).isEmpty();
    GrantSet back = GrantParser.parseSnapshot(GrantJson.document(set.grants(), 7L));
    assertThat(back.errors()).isEmpty();
    assertThat(back.policyVersion()).isEqualTo(7);
    for (int i = 0; i < 2; i++) {
      assertThat(back.grants().get(i).sameRule(set.grants().get(i))).isTrue();
    }
  }
}
