package dev.imprint.scan.netpol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An immutable set of ports 1 to 65535, kept as sorted, disjoint, non-adjacent ranges. */
public final class PortSet {
  static final int MIN = 1;
  static final int MAX = 65535;
  private static final PortSet EMPTY = new PortSet(new int[0]);
  private static final PortSet ALL = new PortSet(new int[] {MIN, MAX});

  /** Pairs lo, hi of each range, in order. */
  private final int[] bounds;

  private PortSet(int[] bounds) {
    this.bounds = bounds;
  }

  public static PortSet empty() {
    return EMPTY;
  }

  public static PortSet all() {
    return ALL;
  }

  /** The ports {@code from} to {@code to} (both included), clipped to 1..65535. */
  public static PortSet range(int from, int to) {
    int lo = Math.max(from, MIN);
    int hi = Math.min(to, MAX);
    return lo > hi ? EMPTY : new PortSet(new int[] {lo, hi});
  }

  public static PortSet of(int port) {
    return range(port, port);
  }

  public boolean isEmpty() {
    return bounds.length == 0;
  }

  public boolean isAll() {
    return bounds.length == 2 && bounds[0] == MIN && bounds[1] == MAX;
  }

  public boolean contains(int port) {
    for (int i = 0; i < bounds.length; i += 2) {
      if (port >= bounds[i] && port <= bounds[i + 1]) {
        return true;
      }
    }
    return false;
  }

  /** The ranges as {@code [lo, hi]} pairs. */
  public List<int[]> ranges() {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < bounds.length; i += 2) {
      out.add(new int[] {bounds[i], bounds[i + 1]});
    }
    return out;
  }

  public PortSet union(PortSet other) {
    if (other.isEmpty() || isAll()) {
      return this;
    }
    if (isEmpty() || other.isAll()) {
      return other;
    }
    List<int[]> all = ranges();
    all.addAll(other.ranges());
    all.sort((a, b) -> Integer.compare(a[0], b[0]));
    List<Integer> out = new ArrayList<>();
    int lo = all.get(0)[0];
    int hi = all.get(0)[1];
    for (int[] r : all.subList(1, all.size())) {
      if (r[0] <= hi + 1) {
        hi = Math.max(hi, r[1]);
      } else {
        out.add(lo);
        out.add(hi);
        lo = r[0];
        hi = r[1];
      }
    }
    out.add(lo);
    out.add(hi);
    return new PortSet(out.stream().mapToInt(Integer::intValue).toArray());
  }

  public PortSet intersect(PortSet other) {
    if (isEmpty() || other.isAll()) {
      return this;
    }
    if (other.isEmpty() || isAll()) {
      return other;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < bounds.length; i += 2) {
      for (int j = 0; j < other.bounds.length; j += 2) {
        int lo = Math.max(bounds[i], other.bounds[j]);
        int hi = Math.min(bounds[i + 1], other.bounds[j + 1]);
        if (lo <= hi) {
          out.add(lo);
          out.add(hi);
        }
      }
    }
    return new PortSet(out.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The ports of this set that are not in {@code other}. */
  public PortSet minus(PortSet other) {
    return intersect(other.complement());
  }

  PortSet complement() {
    List<Integer> out = new ArrayList<>();
    int next = MIN;
    for (int i = 0; i < bounds.length; i += 2) {
      if (bounds[i] > next) {
        out.add(next);
        out.add(bounds[i] - 1);
      }
      next = bounds[i + 1] + 1;
    }
    if (next <= MAX) {
      out.add(next);
      out.add(MAX);
    }
    return new PortSet(out.stream().mapToInt(Integer::intValue).toArray());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortSet p && Arrays.equals(bounds, p.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bounds);
  }

  /** The ranges as np-guard writes them: {@code 53}, {@code 8000-8099}, joined by commas. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bounds.length; i += 2) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(bounds[i]);
      if (bounds[i + 1] != bounds[i]) {
        sb.append('-').append(bounds[i + 1]);
      }
    }
    return sb.toString();
  }
}
