package dev.imprint.authz;

/**
 * An HTTP service, named by its workload's SPIFFE ID: {@code http:<spiffe-id>}; the grant's
 * {@code methods} and {@code paths} say what may be called. In a pattern the target may be a
 * prefix pattern.
 */
public record HttpResource(String text, SubjectPattern target) implements ResourcePattern {
  @Override
  public String type() {
    return "http";
  }

  @Override
  public boolean wildcard() {
    return target.prefix();
  }
}
