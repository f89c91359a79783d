package dev.imprint.server.svid;

/** Checks a JWT-SVID audience: 1 to 256 characters, no control characters, not reserved. */
final class Audiences {
  static final int MAX = 256;
  /** The audience of workload sessions; never issued to a JWT-SVID. */
  static final String SESSION = "imprint:workload-session";

  private Audiences() {}

  /**
   * The audience, checked.
   *
   * @throws IllegalArgumentException saying what is wrong (callers turn it into their code)
   */
  static String check(String audience) {
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("expected a non-blank audience, got "
          + (audience == null ? "none" : "a blank one"));
    }
    int length = audience.codePointCount(0, audience.length());
    if (length > MAX) {
      throw new IllegalArgumentException("expected an audience of at most " + MAX
          + " characters, got " + length);
    }
    // a loop rather than codePoints().anyMatch: every issuance checks its audience
    for (int i = 0; i < audience.length(); ) {
      int c = audience.codePointAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        throw new IllegalArgumentException("expected an audience without control or format"
            + " characters");
      }
      i += Character.charCount(c);
    }
    if (audience.equals(SESSION)) {
      throw new IllegalArgumentException("the audience '" + SESSION + "' is reserved for"
          + " workload sessions");
    }
    return audience;
  }
}
