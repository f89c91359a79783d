package dev.imprint.server.text;

import java.util.Locale;

/**
 * Checks a single-line free-text field: at most a number of characters counted in code points,
 * and none of the code points that change how text is displayed or parsed rather than what it
 * says: C0 controls (NUL, TAB, LF, CR, ESC, ...), DEL, C1 controls, the Unicode line and
 * paragraph separators, the bidirectional formatting characters (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069; see Unicode Technical Report #36 and CVE-2021-42574) and
 * lone surrogates. Every route's free-text fields go through it.
 */
public final class FreeText {
  private FreeText() {}

  /**
   * Returns {@code value} when it is at most {@code maxCodePoints} characters long and holds no
   * refused code point; otherwise throws {@link TextRefused} with {@code tooLongCode} or
   * {@code invalidCode}, naming {@code field} and the first refused code point.
   */
  public static String check(String value, String field, int maxCodePoints, String tooLongCode,
      String invalidCode) {
    int length = value.codePointCount(0, value.length());
    if (length > maxCodePoints) {
      throw new TextRefused(tooLongCode, "expected " + field + " of at most " + maxCodePoints
          + " characters, got " + length);
    }
    int position = 0;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      position++;
      String why = refusal(cp);
      if (why != null) {
        throw new TextRefused(invalidCode, "expected " + field + " without control,"
            + " line-separating or bidirectional formatting characters; character " + position
            + " is " + describe(cp) + ", " + why + " (the value is not echoed)");
      }
      i += Character.charCount(cp);
    }
    return value;
  }

  /** Like {@link #check} with one code for both refusals. */
  public static String check(String value, String field, int maxCodePoints, String code) {
    return check(value, field, maxCodePoints, code, code);
  }

  /** The length of {@code value} in code points, as the checks count it. */
  public static int length(String value) {
    return value.codePointCount(0, value.length());
  }

  /** True when {@code cp} may appear in free text. */
  public static boolean allowed(int cp) {
    return refusal(cp) == null;
  }

  /** Why {@code cp} is refused, or null when it is allowed. */
  static String refusal(int cp) {
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return "a control character";
    }
    if (cp == 0x2028 || cp == 0x2029) {
      return "a line or paragraph separator";
    }
    if (cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e)
        || (cp >= 0x2066 && cp <= 0x2069)) {
      return "a bidirectional formatting character";
    }
    if (Character.isSurrogate((char) cp) && cp <= 0xffff) {
      return "a lone surrogate (half of a UTF-16 pair, not a character)";
    }
    return null;
  }

  /**
   * {@code value} safe to show in a problem or a log line: every refused code point as {@code
   * ?}, and at most 100 characters. For identifiers a client got wrong, never for free text
   * (whose values are not echoed at all).
   */
  public static String printable(String value) {
    StringBuilder b = new StringBuilder();
    value.codePoints().limit(100).forEach(cp -> b.appendCodePoint(allowed(cp) ? cp : '?'));
    return length(value) > 100 ? b + "..." : b.toString();
  }

  /** {@code U+202E (RIGHT-TO-LEFT OVERRIDE)}: the code point and, when Java knows it, its name. */
  public static String describe(int cp) {
    String hex = String.format(Locale.ROOT, "U+%04X", cp);
    String name = Character.isSurrogate((char) cp) && cp <= 0xffff ? null : Character.getName(cp);
    return name == null ? hex : hex + " (" + name + ")";
  }
}
