package dev.imprint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SVG drawings: escaped text, one box per node, one bar per day, an accessible name. */
class DrawingsTest {
  @Test
  void theChainEscapesTextAndDrawsEveryNodeAndEdge() {
    String svg = Drawings.chain("Chain of <x>", List.of(
        new Drawings.Node("acme/pay", "deploy/<script>.yaml:3", null, "code")),
        new Drawings.Node("spiffe://d/a", "workload, active", null, "identity"),
        List.of(new Drawings.Node("sha256:aa", "r deployed", "/images/sha256:aa\"x", "image"),
            new Drawings.Node("sha256:bb", "r retired", "/images/sha256:bb", "image")),
        List.of(new Drawings.Node("orders-read", "3 uses", null, "grant")));
    assertThat(svg).startsWith("<svg").endsWith("</svg>").contains("role=\"img\"",
        "<title", "Chain of &lt;x&gt;", "deploy/&lt;script&gt;.yaml:3",
        "href=\"/images/sha256:aa&quot;x\"").doesNotContain("<script>");
    assertThat(svg.split("<rect class=\"node", -1)).hasSize(6);
    // code-identity 1, identity-images 2, images-grants 2
    assertThat(svg.split("<line class=\"edge\"", -1)).hasSize(6);
  }

  @Test
  void aSeriesHasOneBarPerDayWithZeroesForDaysWithout() {
    LocalDate from = LocalDate.of(2026, 12, 1);
    String svg = Drawings.perDay("Per day", "SVIDs", Map.of(from.plusDays(2), 7L), from,
        from.plusDays(6));
    assertThat(svg.split("<rect class=\"bar\"", -1)).hasSize(8);
    assertThat(svg).contains("2026-12-03: 7 SVIDs", "2026-12-01: 0 SVIDs", "7 SVIDs from");
  }
}
