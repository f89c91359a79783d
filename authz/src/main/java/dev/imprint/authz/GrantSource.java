package dev.imprint.authz;

import java.util.Objects;

/** The text of one grant file and the name diagnostics give it (its path relative to the set). */
public record GrantSource(String name, String text) {
  public GrantSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
  }
}
