package dev.imprint.scan.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A range of IPv4 addresses, both ends included, written {@code 10.0.0.0-10.255.255.255}. */
public record IpRange(long from, long to) implements Comparable<IpRange> {
  static final long MAX = 0xFFFFFFFFL;

  /** Every IPv4 address: {@code 0.0.0.0-255.255.255.255}. */
  public static IpRange everything() {
    return new IpRange(0, MAX);
  }

  /**
   * The range of an IPv4 CIDR such as {@code 10.0.0.0/8}; host bits are ignored, as the API
   * server accepts them. Returns {@code null} when {@code text} is not an IPv4 CIDR.
   */
  static IpRange parseCidr(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return null;
    }
    Long addr = parseAddress(text.substring(0, slash));
    String bits = text.substring(slash + 1);
    if (addr == null || !bits.matches("[0-9]{1,2}")) {
      return null;
    }
    int prefix = Integer.parseInt(bits);
    if (prefix > 32) {
      return null;
    }
    long size = 1L << (32 - prefix);
    long from = addr & ~(size - 1) & MAX;
    return new IpRange(from, from + size - 1);
  }

  private static Long parseAddress(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    long v = 0;
    for (String p : parts) {
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
        return null;
      }
      v = v << 8 | Integer.parseInt(p);
    }
    return v;
  }

  /** This range without the ranges of {@code except}, as contiguous ranges in order. */
  List<IpRange> minus(List<IpRange> except) {
    List<IpRange> out = new ArrayList<>(List.of(this));
    for (IpRange x : except) {
      List<IpRange> next = new ArrayList<>();
      for (IpRange r : out) {
        if (x.to < r.from || x.from > r.to) {
          next.add(r);
          continue;
        }
        if (x.from > r.from) {
          next.add(new IpRange(r.from, x.from - 1));
        }
        if (x.to < r.to) {
          next.add(new IpRange(x.to + 1, r.to));
        }
      }
      out = next;
    }
    return out;
  }

  boolean contains(IpRange other) {
    return other.from >= from && other.to <= to;
  }

  @Override
  public int compareTo(IpRange o) {
    return Long.compare(from, o.from);
  }

  private static String address(long v) {
    return String.format(Locale.ROOT, "%d.%d.%d.%d", v >>> 24 & 255, v >>> 16 & 255,
        v >>> 8 & 255, v & 255);
  }

  @Override
  public String toString() {
    return address(from) + "-" + address(to);
  }
}
