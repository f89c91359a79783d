package dev.imprint.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  @Test
  void readyWhenNothingFails() {
    assertThat(new Readiness().failures()).isEmpty();
  }

  @Test
  void heldConditionReportedUntilCleared() {
    Readiness r = new Readiness();
    r.fail("audit", new Readiness.Failure("audit.integrity", "leaf 3 does not match"));
    assertThat(r.failures()).extracting(Readiness.Failure::code).containsExactly("audit.integrity");
    r.clear("audit");
    assertThat(r.failures()).isEmpty();
  }

  @Test
  void checksAreAskedOnEveryProbe() {
    Readiness r = new Readiness();
    AtomicBoolean down = new AtomicBoolean(true);
    r.addCheck(() -> down.get()
        ? Optional.of(new Readiness.Failure("store.unavailable", "no answer"))
        : Optional.empty());
    assertThat(r.failures()).extracting(Readiness.Failure::code)
        .containsExactly("store.unavailable");
    down.set(false);
    assertThat(r.failures()).isEmpty();
  }
}
