package dev.imprint.server.identity;

import dev.imprint.server.http.ApiProblem;
import java.nio.charset.StandardCharsets;

/**
 * A SPIFFE ID {@code spiffe://<trust-domain>/<path>} validated as the SPIFFE ID specification
 * (section 2) requires: lower-case trust domain, path segments of {@code [A-Za-z0-9._-]}, no
 * empty or dot segments, no query, fragment, port, user info or percent-encoding, at most
 * 2048 bytes. Nothing is normalised: what is not already canonical is refused.
 *
 * @see <a href="https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE-ID.md">SPIFFE ID</a>
 */
public record SpiffeId(String trustDomain, String path) {
  /** Longest SPIFFE ID accepted, in UTF-8 bytes (SPIFFE ID section 2.3). */
  public static final int MAX_BYTES = 2048;
  private static final String SCHEME = "spiffe://";

  /**
   * Parses {@code text} and requires it to be in {@code expectedTrustDomain}.
   *
   * @throws ApiProblem {@code identity.spiffe_id_invalid} naming what is wrong, or
   *     {@code identity.trust_domain_mismatch} naming both trust domains
   */
  public static SpiffeId parse(String text, String expectedTrustDomain) {
    SpiffeId id = parse(text);
    if (!id.trustDomain().equals(expectedTrustDomain)) {
      throw ApiProblem.badRequest("identity.trust_domain_mismatch", "expected a SPIFFE ID in"
          + " this server's trust domain '" + expectedTrustDomain + "', got trust domain '"
          + id.trustDomain() + "'");
    }
    return id;
  }

  /** Parses a SPIFFE ID of any trust domain; see {@link #parse(String, String)}. */
  public static SpiffeId parse(String text) {
    if (text == null || text.isEmpty()) {
      throw invalid("expected a SPIFFE ID spiffe://<trust-domain>/<path>, got none");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw invalid("expected a SPIFFE ID of at most " + MAX_BYTES + " bytes, got "
          + text.getBytes(StandardCharsets.UTF_8).length);
    }
    if (!text.startsWith(SCHEME)) {
      throw invalid("expected the scheme 'spiffe://' (lower case), got '" + shown(text) + "'");
    }
    String rest = text.substring(SCHEME.length());
    int q = indexOfAny(rest, "?#");
    if (q >= 0) {
      throw invalid("a SPIFFE ID has no " + (rest.charAt(q) == '?' ? "query" : "fragment")
          + "; got '" + shown(text) + "'");
    }
    int slash = rest.indexOf('/');
    String domain = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    checkTrustDomain(domain);
    checkPath(path);
    return new SpiffeId(domain, path);
  }

  private static void checkTrustDomain(String domain) {
    if (domain.isEmpty()) {
      throw invalid("expected a trust domain after 'spiffe://', got none");
    }
    if (domain.indexOf('@') >= 0) {
      throw invalid("a SPIFFE ID has no user info; got '" + shown(domain) + "'");
    }
    if (domain.indexOf(':') >= 0) {
      throw invalid("a SPIFFE ID has no port; got trust domain '" + shown(domain) + "'");
    }
    for (int i = 0; i < domain.length(); i++) {
      char c = domain.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
        throw invalid("expected a trust domain of lower-case letters, digits, '.', '-' and '_',"
            + " got '" + shown(domain) + "' (character " + describe(c) + " at " + (i + 1) + ")");
      }
    }
  }

  private static void checkPath(String path) {
    if (path.isEmpty()) {
      throw invalid("expected a path after the trust domain (spiffe://<trust-domain>/<path>),"
          + " got none");
    }
    if (path.endsWith("/")) {
      throw invalid("a SPIFFE ID path has no trailing '/'; got '" + shown(path) + "'");
    }
    String[] segments = path.substring(1).split("/", -1);
    for (String s : segments) {
      if (s.isEmpty()) {
        throw invalid("a SPIFFE ID path has no empty segment ('//'); got '" + shown(path) + "'");
      }
      if (s.equals(".") || s.equals("..")) {
        throw invalid("a SPIFFE ID path has no '.' or '..' segment; got '" + shown(path) + "'");
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
            || c == '-' || c == '_')) {
          throw invalid("expected path segments of letters, digits, '.', '-' and '_', got "
              + describe(c) + " in segment '" + shown(s) + "'");
        }
      }
    }
  }

  /** The ID as text. */
  @Override
  public String toString() {
    return SCHEME + trustDomain + path;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String describe(char c) {
    return c < 0x20 || c > 0x7e ? String.format(java.util.Locale.ROOT, "U+%04X", (int) c)
        : "'" + c + "'";
  }

  private static String shown(String s) {
    return dev.imprint.server.text.FreeText.printable(s);
  }

  private static ApiProblem invalid(String detail) {
    return ApiProblem.badRequest("identity.spiffe_id_invalid", detail);
  }
}
