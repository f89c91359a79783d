package dev.imprint.authz;

/**
 * Any other resource, {@code <type>:<name>}: names are '/'-separated segments, and a pattern's
 * name may be {@code *} (every name of the type) or end in {@code /*} (every name under a
 * prefix).
 */
public record NamedResource(String text, String type, String name) implements ResourcePattern {
  @Override
  public boolean wildcard() {
    return name.equals("*") || name.endsWith("/*");
  }
}
