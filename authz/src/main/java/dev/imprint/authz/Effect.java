package dev.imprint.authz;

import java.util.Locale;

/** What a grant or a decision says: allow or deny. */
public enum Effect {
  ALLOW,
  DENY;

  /** The word used in grant files and decisions: {@code allow} or {@code deny}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
