package dev.imprint.scan;

import java.util.Locale;

/** How bad a finding is, ordered from least to most severe. */
public enum Severity {
  INFO(0.0),
  LOW(3.0),
  MEDIUM(5.5),
  HIGH(8.0),
  CRITICAL(9.5);

  private final double securitySeverity;

  Severity(double securitySeverity) {
    this.securitySeverity = securitySeverity;
  }

  /** The CVSS-like score GitHub code scanning reads from SARIF's {@code security-severity}. */
  public double securitySeverity() {
    return securitySeverity;
  }

  /** Lower-case name used in every output format and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }

  /** Parses {@code info|low|medium|high|critical}, case-insensitively. */
  public static Severity parse(String text) {
    if (text != null) {
      for (Severity s : values()) {
        if (s.name().equalsIgnoreCase(text.trim())) {
          return s;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown severity '" + text + "': expected one of info, low, medium, high, critical");
  }
}
