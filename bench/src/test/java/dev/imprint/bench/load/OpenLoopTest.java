package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open loop sends every request of its schedule, none skipped and none added, times each
 * success from its scheduled start, counts failures apart, and its senders allocate nothing per
 * request of their own (the row's client allocation is the HTTP client's): here the operation
 * allocates nothing either, so the row's client bytes per request are the scheduler's.
 */
class OpenLoopTest {
  @TempDir Path dir;

  @Test
  void sendsEveryScheduledRequestWithoutGarbageOfItsOwn() throws Exception {
    try (BenchServer server = BenchServer.start(dir, null, false, true)) {
      AtomicLong calls = new AtomicLong();
      // 4 senders, 400 a second for 1 s: 100 sends each; every tenth of a sender's fails
      AuthorizeLoad.OpenResult r = AuthorizeLoad.openLoop("noop", "-", 4, 400, 1, (c, i) -> {
        calls.incrementAndGet();
        return i % 10 != 9;
      }, server);
      assertThat(calls.get()).isEqualTo(400);
      assertThat(r.requests()).isEqualTo(360);
      assertThat(r.errors()).isEqualTo(40);
      assertThat(r.latenciesNanos()).hasSize(360);
      assertThat(r.latenciesNanos()[0]).as("the shortest latency, from the schedule")
          .isNotNegative();
      assertThat(r.clientAllocated()).as("bytes the senders allocated in the row")
          .isLessThan(400L * 16);
      assertThat(r.row().split("\\|", -1)).as(r.row()).hasSize(23);
    }
  }
}
