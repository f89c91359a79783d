package dev.imprint.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alerts configuration file: overrides, defaults, and refusals that say what was wrong. */
class AlertsConfigTest {
  @TempDir
  Path dir;

  @Test
  void fileOverridesSomeFieldsThenOthersKeepTheirDefaults() throws Exception {
    Path f = Files.writeString(dir.resolve("alerts.json"), "{\"dormantAfter\":\"14d\","
        + "\"storm\":{\"floor\":50},\"deniedDecisions\":{\"count\":100,\"window\":\"1m\"},"
        + "\"keyMaxAge\":\"36h\",\"disabled\":[\"authz.grant_unused\"],"
        + "\"webhook\":{\"url\":\"https://hooks.example/imprint\",\"secretEnv\":\"HOOK\"},"
        + "\"alertmanager\":{\"url\":\"http://alertmanager:9093\"},"
        + "\"delivery\":{\"attempts\":3,\"backoff\":\"500ms\"}}");
    AlertsConfig c = AlertsConfig.load(f);
    assertThat(c.dormantAfter()).isEqualTo(Duration.ofDays(14));
    assertThat(c.stormFloor()).isEqualTo(50);
    assertThat(c.stormFactor()).isEqualTo(5);
    assertThat(c.deniedCount()).isEqualTo(100);
    assertThat(c.deniedWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.keyMaxAge()).isEqualTo(Duration.ofHours(36));
    assertThat(c.enabled(Rules.GRANT_UNUSED)).isFalse();
    assertThat(c.enabled(Rules.DENIED_BURST)).isTrue();
    assertThat(c.webhook().secretEnv()).isEqualTo("HOOK");
    assertThat(c.alertmanagerUrl().toString()).isEqualTo("http://alertmanager:9093");
    assertThat(c.attempts()).isEqualTo(3);
    assertThat(c.backoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.refusalCount()).isEqualTo(AlertsConfig.defaults().refusalCount());
  }

  @Test
  void malformedFieldsThenRefusedNamingFieldAndExpectation() {
    assertThatThrownBy(() -> AlertsConfig.parse("{\"dormant\":\"14d\"}"))
        .hasMessageContaining("unknown field 'dormant'");
    assertThatThrownBy(() -> AlertsConfig.parse("{\"storm\":{\"buckets\":\"1m\"}}"))
        .hasMessageContaining("unknown field 'storm.buckets'");
    assertThatThrownBy(() -> AlertsConfig.parse("{\"dormantAfter\":\"two weeks\"}"))
        .hasMessageContaining("'dormantAfter'").hasMessageContaining("two weeks");
    assertThatThrownBy(() -> AlertsConfig.parse("{\"storm\":{\"alpha\":1.5}}"))
        .hasMessageContaining("storm.alpha");
    assertThatThrownBy(() -> AlertsConfig.parse("{\"disabled\":[\"nhi.nope\"]}"))
        .hasMessageContaining("unknown rule 'nhi.nope'");
    assertThatThrownBy(() -> AlertsConfig.parse("{\"webhook\":{\"url\":\"https://h.example\"}}"))
        .hasMessageContaining("secretFile").hasMessageContaining("secretEnv");
    assertThatThrownBy(() -> AlertsConfig.parse("{\"alertmanager\":{\"url\":\"ftp://x\"}}"))
        .hasMessageContaining("alertmanager.url");
    assertThatThrownBy(() -> AlertsConfig.parse("{\"interval\":\"0s\"}"))
        .hasMessageContaining("'interval' above zero");
    assertThatThrownBy(() -> AlertsConfig.parse("[1]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> AlertsConfig.load(dir.resolve("missing.json")))
        .hasMessageContaining("missing.json");
  }
}
