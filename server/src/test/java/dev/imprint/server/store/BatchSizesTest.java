package dev.imprint.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchSizesTest {
  @Test
  void percentilesAreNearestRankOverCommits() {
    long[] counts = new long[10];
    counts[1] = 2; // commits of 1 unit: ranks 1-2
    counts[3] = 5; // ranks 3-7
    counts[9] = 3; // ranks 8-10
    BatchSizes s = new BatchSizes(counts);
    assertThat(s.commits()).isEqualTo(10);
    assertThat(s.units()).isEqualTo(2 + 15 + 27);
    assertThat(s.percentile(0)).isEqualTo(1);
    assertThat(s.percentile(20)).isEqualTo(1);
    assertThat(s.percentile(21)).isEqualTo(3);
    assertThat(s.percentile(50)).isEqualTo(3);
    assertThat(s.percentile(70)).isEqualTo(3);
    assertThat(s.percentile(71)).isEqualTo(9);
    assertThat(s.percentile(90)).isEqualTo(9);
    assertThat(s.percentile(100)).isEqualTo(9);
  }

  @Test
  void sinceCountsOnlyTheLaterCommitsAndSnapshotsDoNotChange() {
    long[] counts = new long[4];
    counts[2] = 1;
    BatchSizes earlier = new BatchSizes(counts);
    counts[2] = 4;
    counts[3] = 1;
    BatchSizes later = new BatchSizes(counts);
    counts[3] = 100;
    assertThat(earlier.counts()[2]).as("copied when made").isEqualTo(1);
    BatchSizes between = later.since(earlier);
    assertThat(between.counts()).containsExactly(0, 0, 3, 1);
    assertThat(between.percentile(50)).isEqualTo(2);
    assertThat(new BatchSizes(new long[4]).percentile(50)).as("no commits").isZero();
  }
}
