package dev.imprint.server.alert;

import java.util.Locale;

/** Where an alert is in its life: raised (open), seen by a person (acknowledged), closed. */
public enum AlertState {
  OPEN,
  ACKNOWLEDGED,
  RESOLVED;

  /** {@code open}, {@code acknowledged} or {@code resolved}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The state named {@code s} (its wire form).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static AlertState parse(String s) {
    for (AlertState v : values()) {
      if (v.wire().equals(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("expected state open, acknowledged or resolved, got '"
        + s + "'");
  }
}
