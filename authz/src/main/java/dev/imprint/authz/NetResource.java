package dev.imprint.authz;

/**
 * A network flow to a workload: {@code net:<spiffe-id>:<port>/<protocol>}. In a pattern the
 * target may be a prefix pattern and the port a range ({@code 8000-8099}) or {@code *}
 * ({@code fromPort} 1 and {@code toPort} 65535); a request names one port.
 */
public record NetResource(String text, SubjectPattern target, int fromPort, int toPort,
    String protocol) implements ResourcePattern {
  @Override
  public String type() {
    return "net";
  }

  @Override
  public boolean wildcard() {
    return target.prefix() || text.endsWith(":*/" + protocol);
  }

  /** Whether this pattern names every port. */
  public boolean anyPort() {
    return text.endsWith(":*/" + protocol);
  }
}
