package dev.imprint.authz;

/**
 * A grant's subject: one SPIFFE ID, or every SPIFFE ID under a prefix ({@code spiffe://td/a/*}
 * matches IDs starting with {@code spiffe://td/a/}, at any depth, and nothing else).
 */
public record SubjectPattern(String text, boolean prefix) {
  /** Parses a canonical SPIFFE ID or prefix pattern; throws {@code grant.subject} otherwise. */
  public static SubjectPattern parse(String text) {
    String err = Syntax.subjectPattern(text);
    if (err != null) {
      throw new AuthzException("grant.subject", err);
    }
    return new SubjectPattern(text, text.endsWith("/*"));
  }

  /** The literal part matched: the ID itself, or the prefix up to and including its last '/'. */
  public String stem() {
    return prefix ? text.substring(0, text.length() - 1) : text;
  }

  /** Whether this pattern matches {@code spiffeId} (which must already be canonical). */
  public boolean matches(String spiffeId) {
    return prefix ? spiffeId.startsWith(stem()) : spiffeId.equals(text);
  }

  /** Whether every ID this pattern matches is also matched by {@code other}. */
  public boolean within(SubjectPattern other) {
    if (other.prefix) {
      return stem().startsWith(other.stem());
    }
    return !prefix && text.equals(other.text);
  }

  @Override
  public String toString() {
    return text;
  }
}
