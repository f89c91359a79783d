package dev.imprint.server.alert;

import java.util.Locale;

/** How urgently an alert needs a person, most urgent first; the wire form is lower case. */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW;

  /** {@code critical}, {@code high}, {@code medium} or {@code low}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The severity named {@code s} (its wire form).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Severity parse(String s) {
    for (Severity v : values()) {
      if (v.wire().equals(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("expected severity critical, high, medium or low, got '"
        + s + "'");
  }
}
