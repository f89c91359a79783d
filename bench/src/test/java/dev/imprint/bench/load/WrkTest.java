package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the wrk driver and the separate server's pause log are read as. */
class WrkTest {
  private static final String REPORT = String.join("\n",
      "Running 10s test @ http://127.0.0.1:40111",
      "  1 threads and 64 connections",
      "  Thread Stats   Avg      Stdev     Max   +/- Stdev",
      "    Latency    21.50ms    3.20ms  80.01ms   91.00%",
      "    Req/Sec     2.98k   210.00     3.40k    70.00%",
      "  Latency Distribution",
      "     50%   20.75ms",
      "     75%   22.10ms",
      "     90%   24.00ms",
      "     99%    1.20s",
      "  29812 requests in 10.00s, 30.12MB read",
      "  Non-2xx or 3xx responses: 12",
      "  Socket errors: connect 0, read 1, write 0, timeout 2",
      "Requests/sec:   2981.20",
      "Transfer/sec:      3.01MB",
      "0m0.004s 0m0.002s",
      "0m0.250s 0m0.750s");

  @Test
  void reportReadWithErrorsPercentilesInTheirUnitsAndTheChildrensCpu() {
    Wrk.Run r = Wrk.parse(REPORT);
    assertThat(r.requests()).as("successes: requests less non-2xx and socket errors")
        .isEqualTo(29812 - 15);
    assertThat(r.errors()).isEqualTo(15);
    assertThat(r.seconds()).isEqualTo(10.0);
    assertThat(r.p50Millis()).isCloseTo(20.75, within(1e-9));
    assertThat(r.p99Millis()).as("seconds read as seconds").isCloseTo(1200, within(1e-9));
    assertThat(r.cpuNanos()).as("the second times line: wrk's user + system")
        .isEqualTo(1_000_000_000L);
  }

  @Test
  void postWrittenAsHttp11WithHostLengthAndEveryHeader() {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:40111/v1/authorize"))
        .header("Authorization", "Bearer abc").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"a\":\"\\n\"}")).build();
    assertThat(Wrk.raw(r)).isEqualTo("POST /v1/authorize HTTP/1.1\r\n"
        + "Host: 127.0.0.1:40111\r\nAuthorization: Bearer abc\r\n"
        + "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":\"\\n\"}");
  }

  @Test
  void gcAndSafepointPausesSummedFromTheServersLog() {
    BenchServer.Pauses p = BenchServer.Separate.ofLog(List.of(
        "[0.005s][gc] Using G1",
        "[1.040s][safepoint] Safepoint \"Cleanup\", Time since last: 1002547675 ns, Reaching"
            + " safepoint: 1113398 ns, Cleanup: 29605 ns, At safepoint: 294693 ns, Total:"
            + " 1500000 ns",
        "[4.066s][gc       ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 27M->11M(388M)"
            + " 5.500ms",
        "[4.067s][safepoint] Safepoint \"G1CollectForAllocation\", Time since last: 1 ns,"
            + " Reaching safepoint: 2 ns, At safepoint: 5600000 ns, Total: 6000000 ns",
        "[9.000s][gc       ] GC(1) Pause Remark 30M->30M(388M) 1.250ms",
        "[9.100s][gc       ] GC(1) Concurrent Mark Cycle 80.000ms"));
    assertThat(p.collections()).as("pauses only, not the concurrent cycle").isEqualTo(2);
    assertThat(p.collectionMillis()).isCloseTo(6.75, within(1e-9));
    assertThat(p.safepoints()).isEqualTo(2);
    assertThat(p.safepointMillis()).isCloseTo(7.5, within(1e-9));
  }
}
