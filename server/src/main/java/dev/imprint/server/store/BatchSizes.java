package dev.imprint.server.store;

import java.util.Arrays;

/**
 * How many units of work the group commit's transactions held: {@code counts()[n]} is the number
 * of committed transactions with {@code n} units (rolled-back units included, since they rode in
 * the same transaction). A snapshot; {@link #since} gives the commits between two snapshots.
 */
public record BatchSizes(long[] counts) {
  /** A defensive copy, so a snapshot never changes. */
  public BatchSizes {
    counts = counts.clone();
  }

  @Override
  public long[] counts() {
    return counts.clone();
  }

  /** The commits made after {@code earlier} (a snapshot of the same store). */
  public BatchSizes since(BatchSizes earlier) {
    long[] d = new long[counts.length];
    for (int n = 0; n < d.length; n++) {
      d[n] = counts[n] - (n < earlier.counts.length ? earlier.counts[n] : 0);
    }
    return new BatchSizes(d);
  }

  /** How many commits. */
  public long commits() {
    return Arrays.stream(counts).sum();
  }

  /** How many units those commits held. */
  public long units() {
    long u = 0;
    for (int n = 0; n < counts.length; n++) {
      u += n * counts[n];
    }
    return u;
  }

  /**
   * The smallest batch size {@code s} such that at least {@code p} percent of the commits held
   * {@code s} units or fewer (nearest rank); 0 when there were no commits. {@code p = 0} is the
   * smallest size seen, {@code p = 100} the largest.
   */
  public int percentile(double p) {
    long total = commits();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
    long seen = 0;
    for (int n = 0; n < counts.length; n++) {
      seen += counts[n];
      if (seen >= rank) {
        return n;
      }
    }
    return counts.length - 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchSizes b && Arrays.equals(counts, b.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "BatchSizes[commits=" + commits() + ", units=" + units() + ", min=" + percentile(0)
        + ", median=" + percentile(50) + ", p90=" + percentile(90) + ", max=" + percentile(100)
        + "]";
  }
}
