package dev.imprint.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The conformance table written from docs/grants.md: every case decided by the indexed decider
 * and, as a cross-check, by the explanation's linear walk over every grant.
 */
class ConformanceTest {
  static final Instant DEFAULT_TIME = Instant.parse("2026-06-01T12:00:00Z");

  /** One row of the table. */
  record Case(String group, Policy policy, Request request, String want, List<String> by,
      String why) {
    @Override
    public String toString() {
      return group + ": " + request.subject() + " " + request.action() + " "
          + request.resource() + " " + request.context() + " @" + request.time();
    }
  }

  @SuppressWarnings("unchecked")
  static List<Case> cases() {
    Map<String, Object> table;
    try (InputStream in = ConformanceTest.class.getResourceAsStream("/conformance/cases.yaml")) {
      table = new Yaml(new LoaderOptions()).load(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<Case> out = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) table.get("groups")) {
      String name = (String) group.get("name");
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", GrantParser.API_VERSION);
      doc.put("kind", GrantParser.KIND);
      doc.put("grants", group.get("grants"));
      GrantSet set = GrantParser.parse(name, new Yaml().dump(doc));
      assertThat(set.errors()).as(name).isEmpty();
      Policy policy = set.policy(3);
      for (Map<String, Object> c : (List<Map<String, Object>>) group.get("cases")) {
        Map<String, String> ctx = new LinkedHashMap<>();
        ((Map<String, Object>) c.getOrDefault("ctx", Map.of()))
            .forEach((k, v) -> ctx.put(k, String.valueOf(v)));
        Instant at = c.containsKey("at") ? Instant.parse((String) c.get("at")) : DEFAULT_TIME;
        Request r = new Request(String.valueOf(c.get("s")), String.valueOf(c.get("a")),
            String.valueOf(c.get("r")), ctx, at);
        out.add(new Case(name, policy, r, (String) c.get("want"), (List<String>) c.get("by"),
            (String) c.get("why")));
      }
    }
    return out;
  }

  @Test
  void theTableHasAtLeastTwoHundredCases() {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(200);
  }

  @TestFactory
  Stream<DynamicTest> everyCaseIsDecidedAsTheTableSays() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
      Decision d = new Decider(c.policy()).decide(c.request());
      assertThat(d.effect().word()).as("effect; %s", d).isEqualTo(c.want());
      assertThat(d.reason().code()).as("reason; %s", d).isEqualTo(c.why());
      assertThat(d.grants()).as("deciding grants; %s", d).isEqualTo(c.by());
      assertThat(d.policyVersion()).isEqualTo(3);
    }));
  }

  @TestFactory
  Stream<DynamicTest> theLinearWalkOfExplainAgreesWithTheIndex() {
    return cases().stream().filter(c -> !c.why().equals("invalid_request")
        && !c.why().equals("identity_inactive")).map(c -> DynamicTest.dynamicTest(
            c.toString(), () -> {
              Explanation e = new Decider(c.policy()).explain(c.request());
              List<String> applying = e.verdicts().stream()
                  .filter(Explanation.Verdict::applies)
                  .filter(v -> v.effect() == (c.want().equals("deny") ? Effect.DENY
                      : Effect.ALLOW))
                  .map(Explanation.Verdict::grantId).sorted().toList();
              assertThat(applying).isEqualTo(c.by());
            }));
  }

  @Test
  void reversingTheGrantOrderChangesNoDecision() {
    for (Case c : cases()) {
      List<Grant> reversed = new ArrayList<>(c.policy().grants());
      java.util.Collections.reverse(reversed);
      Decision a = new Decider(c.policy()).decide(c.request());
      Decision b = new Decider(Policy.of(3, reversed)).decide(c.request());
      assertThat(b).as(c.toString()).isEqualTo(a);
    }
  }
}
