package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * The closed loop's per-client successes and errors, kept in each client's locals and written
 * once at its end, are each client's own: as many as its operation answered true, false or
 * threw, whatever the scheduling.
 */
class DriveCountsTest {
  @Test
  void eachClientsSuccessesAndErrorsAreItsOwn() throws Exception {
    AtomicLongArray calls = new AtomicLongArray(3);
    LoadGenerator.PerClient r = LoadGenerator.drivePerClient("counts", 3, 1, (client, i) -> {
      calls.incrementAndGet(client);
      if (client == 2 && i % 3 == 0) {
        throw new IllegalStateException("a failed call");
      }
      return client != 1 || i % 2 == 0;
    });
    long[] n = {calls.get(0), calls.get(1), calls.get(2)};
    assertThat(Math.min(n[0], Math.min(n[1], n[2]))).isPositive();
    assertThat(r.counts()[0]).isEqualTo(n[0]);
    assertThat(r.errorCounts()[0]).isZero();
    assertThat(r.errorCounts()[1]).isEqualTo(n[1] / 2);
    assertThat(r.counts()[1]).isEqualTo(n[1] - n[1] / 2);
    assertThat(r.errorCounts()[2]).isEqualTo((n[2] + 2) / 3);
    assertThat(r.counts()[2]).isEqualTo(n[2] - (n[2] + 2) / 3);
    long[] sorted = r.latencies(c -> c == 1);
    assertThat(sorted).hasSize(r.counts()[1]);
    assertThat(sorted[0]).isNotNegative();
    assertThat(r.errors(c -> true)).isEqualTo(n[1] / 2 + (n[2] + 2) / 3);
  }
}
