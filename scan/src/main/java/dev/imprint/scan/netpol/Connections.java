package dev.imprint.scan.netpol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** An immutable set of allowed connections: for each protocol, the allowed ports. */
public final class Connections {
  /** The text np-guard prints when every protocol and port is allowed. */
  public static final String ALL_TEXT = "All Connections";
  /** The text np-guard prints when nothing is allowed. */
  public static final String NONE_TEXT = "No Connections";
  private static final Connections NONE = new Connections(new EnumMap<>(Protocol.class));
  private static final Connections ALL;

  static {
    Map<Protocol, PortSet> all = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      all.put(p, PortSet.all());
    }
    ALL = new Connections(all);
  }

  private final Map<Protocol, PortSet> ports;

  private Connections(Map<Protocol, PortSet> ports) {
    ports.values().removeIf(PortSet::isEmpty);
    this.ports = Collections.unmodifiableMap(ports);
  }

  public static Connections none() {
    return NONE;
  }

  public static Connections all() {
    return ALL;
  }

  public static Connections of(Protocol protocol, PortSet set) {
    Map<Protocol, PortSet> m = new EnumMap<>(Protocol.class);
    m.put(protocol, set);
    return new Connections(m);
  }

  /** The ports allowed for one protocol (empty when none). */
  public PortSet ports(Protocol protocol) {
    return ports.getOrDefault(protocol, PortSet.empty());
  }

  public boolean isEmpty() {
    return ports.isEmpty();
  }

  public boolean isAll() {
    return ports.size() == Protocol.values().length
        && ports.values().stream().allMatch(PortSet::isAll);
  }

  public boolean contains(Protocol protocol, int port) {
    return ports(protocol).contains(port);
  }

  public Connections union(Connections other) {
    if (other.isEmpty() || this == ALL) {
      return this;
    }
    if (isEmpty() || other == ALL) {
      return other;
    }
    if (equals(other)) {
      return this;
    }
    return combine(other, PortSet::union);
  }

  public Connections intersect(Connections other) {
    if (isEmpty() || other == ALL) {
      return this;
    }
    if (other.isEmpty() || this == ALL) {
      return other;
    }
    return combine(other, PortSet::intersect);
  }

  /** What this allows and {@code other} does not. */
  public Connections minus(Connections other) {
    return combine(other, PortSet::minus);
  }

  private Connections combine(Connections other,
      java.util.function.BinaryOperator<PortSet> op) {
    Map<Protocol, PortSet> m = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      m.put(p, op.apply(ports(p), other.ports(p)));
    }
    Connections c = new Connections(m);
    return c.isAll() ? ALL : c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Connections c && ports.equals(c.ports);
  }

  @Override
  public int hashCode() {
    return ports.hashCode();
  }

  /**
   * As np-guard writes a connection set: {@code All Connections}, {@code No Connections}, or
   * {@code PROTOCOL ports} per protocol sorted as text and joined by commas
   * ({@code TCP 80,443,UDP 53}).
   */
  @Override
  public String toString() {
    if (isAll()) {
      return ALL_TEXT;
    }
    if (isEmpty()) {
      return NONE_TEXT;
    }
    List<String> parts = new ArrayList<>();
    ports.forEach((p, set) -> parts.add(p.name() + " " + set));
    Collections.sort(parts);
    return String.join(",", parts);
  }
}
