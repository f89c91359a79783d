package dev.imprint.authz;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The canonical forms of docs/grants.md as checks that return {@code null} when the text is
 * canonical and otherwise a message saying what was expected and what was got. Nothing is
 * normalised: whatever is not already canonical is refused.
 */
final class Syntax {
  static final String SCHEME = "spiffe://";
  static final int MAX_ID_BYTES = 2048;
  static final int MAX_PATH = 2048;
  static final int MAX_NAME = 512;

  private Syntax() {}

  /** A SPIFFE ID (SPIFFE ID standard, section 2). */
  static String spiffeId(String s) {
    if (s == null || s.isEmpty()) {
      return "expected a SPIFFE ID spiffe://<trust-domain>/<path>, got none";
    }
    if (s.length() > MAX_ID_BYTES) {
      return "expected a SPIFFE ID of at most " + MAX_ID_BYTES + " bytes, got " + s.length()
          + " characters";
    }
    if (!s.startsWith(SCHEME)) {
      return "expected the scheme 'spiffe://' (lower case), got '" + shown(s) + "'";
    }
    int slash = s.indexOf('/', SCHEME.length());
    String domain = slash < 0 ? s.substring(SCHEME.length()) : s.substring(SCHEME.length(), slash);
    if (domain.isEmpty()) {
      return "expected a trust domain after 'spiffe://', got none in '" + shown(s) + "'";
    }
    for (int i = 0; i < domain.length(); i++) {
      char c = domain.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
        return "expected a trust domain of lower-case letters, digits, '.', '-' and '_', got "
            + describe(c) + " in '" + shown(domain) + "'";
      }
    }
    if (slash < 0) {
      return "expected a path after the trust domain, got none in '" + shown(s) + "'";
    }
    return segments(s.substring(slash + 1), s, true);
  }

  private static String segments(String path, String whole, boolean spiffe) {
    if (path.isEmpty() || path.endsWith("/")) {
      return "a SPIFFE ID path has no empty segment or trailing '/'; got '" + shown(whole) + "'";
    }
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String seg = path.substring(start, end);
      if (seg.isEmpty()) {
        return "a SPIFFE ID path has no empty segment ('//'); got '" + shown(whole) + "'";
      }
      if (seg.equals(".") || seg.equals("..")) {
        return "a SPIFFE ID path has no '.' or '..' segment; got '" + shown(whole) + "'";
      }
      for (int i = 0; i < seg.length(); i++) {
        char c = seg.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
            || c == '-' || c == '_')) {
          return "expected SPIFFE ID path segments of letters, digits, '.', '-' and '_', got "
              + describe(c) + " in '" + shown(whole) + "'";
        }
      }
      start = end + 1;
    }
    return null;
  }

  /** A SPIFFE ID, or a prefix pattern ending in '/*' whose stem is a SPIFFE ID or a trust domain. */
  static String subjectPattern(String s) {
    if (s == null || s.isEmpty()) {
      return "expected a SPIFFE ID or a pattern spiffe://<trust-domain>/<path>/*, got none";
    }
    if (s.endsWith("/*")) {
      String stem = s.substring(0, s.length() - 2);
      if (stem.indexOf('*') >= 0) {
        return "a '*' may only stand as the whole last segment of a pattern; got '" + shown(s)
            + "'";
      }
      String err = spiffeId(stem.startsWith(SCHEME) && stem.indexOf('/', SCHEME.length()) < 0
          ? stem + "/x" : stem);
      return err == null ? null : err.replace("'" + shown(stem + "/x") + "'", "'" + shown(s) + "'");
    }
    if (s.indexOf('*') >= 0) {
      return "a '*' may only stand as the whole last segment of a pattern ('/*'); got '"
          + shown(s) + "'";
    }
    return spiffeId(s);
  }

  /** An action of a named resource: [a-z][a-z0-9._-]*, at most 64 characters. */
  static String action(String a) {
    if (a == null || a.isEmpty() || a.length() > 64) {
      return "expected an action of 1 to 64 characters, got '" + shown(String.valueOf(a)) + "'";
    }
    if (!(a.charAt(0) >= 'a' && a.charAt(0) <= 'z')) {
      return "expected an action starting with a lower-case letter, got '" + shown(a) + "'";
    }
    for (int i = 1; i < a.length(); i++) {
      char c = a.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
        return "expected an action of lower-case letters, digits, '.', '_' and '-', got "
            + describe(c) + " in '" + shown(a) + "'";
      }
    }
    return null;
  }

  /** An HTTP method: an upper-case token of letters, at most 32 characters. */
  static String method(String m) {
    if (m == null || m.isEmpty() || m.length() > 32) {
      return "expected an HTTP method of 1 to 32 characters, got '" + shown(String.valueOf(m))
          + "'";
    }
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      if (!(c >= 'A' && c <= 'Z')) {
        return "expected an upper-case HTTP method such as GET, got " + describe(c) + " in '"
            + shown(m) + "'";
      }
    }
    return null;
  }

  /** A database privilege: read, write or role:<name>. */
  static String privilege(String p) {
    if ("read".equals(p) || "write".equals(p)) {
      return null;
    }
    if (p != null && p.startsWith("role:")) {
      String role = p.substring(5);
      if (!role.isEmpty() && role.length() <= 63 && pgIdentifier(role)) {
        return null;
      }
      return "expected a role name of 1 to 63 characters [a-z_][a-z0-9_]*, got '" + shown(role)
          + "'";
    }
    return "expected a privilege 'read', 'write' or 'role:<name>', got '"
        + shown(String.valueOf(p)) + "'";
  }

  static boolean pgIdentifier(String s) {
    if (s.isEmpty() || s.length() > 63) {
      return false;
    }
    char first = s.charAt(0);
    if (!(first >= 'a' && first <= 'z' || first == '_')) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '$')) {
        return false;
      }
    }
    return true;
  }

  /** A canonical HTTP path; a pattern may also end in '/*'. */
  static String httpPath(String p, boolean pattern) {
    if (p == null || p.isEmpty() || p.charAt(0) != '/') {
      return "expected an absolute path starting with '/', got '" + shown(String.valueOf(p))
          + "'";
    }
    if (p.length() > MAX_PATH) {
      return "expected a path of at most " + MAX_PATH + " characters, got " + p.length();
    }
    String body = pattern && p.endsWith("/*") ? p.substring(0, p.length() - 1) : p;
    String[] segments = body.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i];
      if (seg.isEmpty() && i < segments.length - 1) {
        return "a path has no empty segment ('//'); got '" + shown(p) + "'";
      }
      if (seg.equals(".") || seg.equals("..") || seg.equals("%2E") || seg.equals("%2E%2E")
          || seg.equals(".%2E") || seg.equals("%2E.")) {
        return "a path has no '.' or '..' segment; got '" + shown(p) + "'";
      }
    }
    java.io.ByteArrayOutputStream decoded = new java.io.ByteArrayOutputStream(body.length());
    boolean encoded = false;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '%') {
        encoded = true;
        if (i + 2 >= body.length() || hex(body.charAt(i + 1)) < 0 || hex(body.charAt(i + 2)) < 0) {
          return "expected '%' followed by two upper-case hex digits, got '"
              + shown(body.substring(i, Math.min(body.length(), i + 3))) + "' in '" + shown(p)
              + "'";
        }
        int b = hex(body.charAt(i + 1)) * 16 + hex(body.charAt(i + 2));
        if (b == 0) {
          return "'%00' is refused in a path; got '" + shown(p) + "'";
        }
        if (b == '/') {
          return "an encoded '/' ('%2F') is refused: it would make '" + shown(p)
              + "' look like a different path";
        }
        if (b < 0x80 && unreserved((char) b)) {
          return "'%" + body.substring(i + 1, i + 3) + "' encodes the unreserved character '"
              + (char) b + "': write the character itself; got '" + shown(p) + "'";
        }
        decoded.write(b);
        i += 2;
        continue;
      }
      if (c == '*' && pattern) {
        return "a '*' may only stand as the whole last segment of a path pattern ('/*'); got '"
            + shown(p) + "'";
      }
      if (!(c == '/' || unreserved(c) || "!$&'()*+,;=:@".indexOf(c) >= 0)) {
        return "expected path characters A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , ; = : @ / or"
            + " percent-encodings, got " + describe(c) + " in '" + shown(p) + "'";
      }
      decoded.write(c);
    }
    if (!encoded) {
      return null; // plain ASCII: nothing to decode, and ASCII is always NFC
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(decoded.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      return "the percent-encoded bytes of '" + shown(p) + "' are not UTF-8";
    }
    if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
      return "the decoded path of '" + shown(p) + "' is not in Unicode NFC: refused, not"
          + " normalised";
    }
    return null;
  }

  static boolean unreserved(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
        || c == '.' || c == '_' || c == '~';
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** A context key: [A-Za-z][A-Za-z0-9._-]*, at most 64 characters. */
  static String contextKey(String k) {
    if (k == null || k.isEmpty() || k.length() > 64) {
      return "expected a context key of 1 to 64 characters, got '" + shown(String.valueOf(k))
          + "'";
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
      if (!(letter || i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'))) {
        return "expected a context key [A-Za-z][A-Za-z0-9._-]*, got '" + shown(k) + "'";
      }
    }
    return null;
  }

  static String describe(char c) {
    return c < 0x20 || c > 0x7e ? String.format(Locale.ROOT, "U+%04X", (int) c) : "'" + c + "'";
  }

  static String shown(String s) {
    String cut = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    StringBuilder sb = new StringBuilder(cut.length());
    cut.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp)) {
        sb.append('?');
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.toString();
  }
}
