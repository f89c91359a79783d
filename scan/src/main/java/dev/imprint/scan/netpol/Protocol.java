package dev.imprint.scan.netpol;

/** The protocols a NetworkPolicy port may name. */
public enum Protocol {
  TCP,
  UDP,
  SCTP;

  /** The protocol spelled exactly as the Kubernetes API spells it, or {@code null}. */
  static Protocol parse(String text) {
    for (Protocol p : values()) {
      if (p.name().equals(text)) {
        return p;
      }
    }
    return null;
  }
}
