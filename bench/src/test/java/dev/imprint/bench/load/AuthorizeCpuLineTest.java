package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The authorize row's lines on standard error say the server threads' allocation per decision
 * once: on a line of its own without {@code --alloc}, in {@code --alloc}'s line by thread group
 * with it.
 */
class AuthorizeCpuLineTest {
  @AfterEach
  void defaults() {
    ThreadCpu.allocation = false;
  }

  private static AuthorizeLoad.Report report(Map<String, Long> allocated) {
    Map<String, Long> groups = new LinkedHashMap<>(Map.of("client", 4_000_000L));
    Usage usage = new Usage(false, 20_000_000L, 20_000_000L,
        new ThreadCpu.Split(4_000_000L, 12_000_000L), groups,
        new BenchServer.Pauses(1, 3, -1, -1), new BenchServer.Pauses(1, 3, -1, -1), -1,
        allocated);
    LoadGenerator.Result a = new LoadGenerator.Result("authorize", "sqlite", 64, 1000, 0, 1.0,
        new long[0]);
    return new AuthorizeLoad.Report(a, a.row(), usage, 19.5, List.of(), List.of());
  }

  private static int count(String s, String what) {
    return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  @Test
  void withAllocTheServersAllocationIsInTheThreadGroupsLineAlone() {
    ThreadCpu.allocation = true;
    Map<String, Long> bytes = new LinkedHashMap<>();
    bytes.put("client", 2_048_000L);
    bytes.put("requests", 19_968_000L);
    String lines = report(bytes).cpuLine();
    assertThat(lines).contains("alloc: authorize sqlite 64 clients (a): allocated per request"
        + " by thread group").contains("requests 19.5 KiB");
    assertThat(count(lines, "KiB allocated per")).as(lines).isZero();
  }

  @Test
  void withoutAllocTheServersAllocationHasALineOfItsOwn() {
    String lines = report(null).cpuLine();
    assertThat(lines).doesNotContain("alloc:");
    assertThat(count(lines, "19.5 KiB allocated per request by the server's threads"))
        .as(lines).isEqualTo(1);
  }
}
