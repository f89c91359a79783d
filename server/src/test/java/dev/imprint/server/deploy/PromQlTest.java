package dev.imprint.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The PromQL subset parser: what it accepts, what metrics it finds, what it refuses. */
class PromQlTest {
  @Test
  void validExpressionsThenParsedWithTheirMetrics() {
    assertThat(PromQl.parse("up").metrics()).containsExactly("up");
    assertThat(PromQl.parse("sum by (instance) (rate(a_total{status=~\"5..\"}[5m]))"
        + " / sum by (instance) (rate(a_total[5m])) > 0.05 and b > 0.1").metrics())
        .containsExactly("a_total", "b");
    assertThat(PromQl.parse("x > on (instance) group_left y").metrics())
        .containsExactly("x", "y");
    assertThat(PromQl.parse("max(a) - max(b) > 10000").type()).isEqualTo(PromQl.Type.VECTOR);
    assertThat(PromQl.parse("{__name__=\"c\", job=\"imprint\"}").metrics()).containsExactly("c");
    assertThat(PromQl.parse("histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))")
        .metrics()).containsExactly("h_bucket");
    assertThat(PromQl.parse("max_over_time(rate(c_total[1m])[10m:1m]) offset 5m").metrics())
        .containsExactly("c_total");
    assertThat(PromQl.parse("topk(3, sum without (pod) (m)) == bool 1").type())
        .isEqualTo(PromQl.Type.VECTOR);
    assertThat(PromQl.parse("2 ^ 3 ^ 2 * -1").type()).isEqualTo(PromQl.Type.SCALAR);
    assertThat(PromQl.parse("rate(x[1h30m])").type()).isEqualTo(PromQl.Type.VECTOR);
  }

  @Test
  void malformedExpressionsThenRefusedWithWhere() {
    assertThatThrownBy(() -> PromQl.parse("rate(x)")).hasMessageContaining("range vector");
    assertThatThrownBy(() -> PromQl.parse("sum(x[5m])")).hasMessageContaining("instant vector");
    assertThatThrownBy(() -> PromQl.parse("rat(x[5m])")).hasMessageContaining("unknown function");
    assertThatThrownBy(() -> PromQl.parse("x{a=b}")).hasMessageContaining("quoted label value");
    assertThatThrownBy(() -> PromQl.parse("x{a=~\"(\"}")).hasMessageContaining("invalid regex");
    assertThatThrownBy(() -> PromQl.parse("x[5q]")).hasMessageContaining("duration");
    assertThatThrownBy(() -> PromQl.parse("(x)[5m]")).hasMessageContaining("subquery");
    assertThatThrownBy(() -> PromQl.parse("x >")).hasMessageContaining("expected an expression");
    assertThatThrownBy(() -> PromQl.parse("sum(x")).hasMessageContaining("expected ')'");
    assertThatThrownBy(() -> PromQl.parse("x y")).hasMessageContaining("end of the expression");
    assertThatThrownBy(() -> PromQl.parse("1 and x")).hasMessageContaining("vectors on both");
    assertThatThrownBy(() -> PromQl.parse("{}")).hasMessageContaining("metric name");
    assertThatThrownBy(() -> PromQl.parse("x{a=\"1\"")).hasMessageContaining("expected");
    assertThatThrownBy(() -> PromQl.parse("\"unterminated")).hasMessageContaining("unterminated");
  }
}
