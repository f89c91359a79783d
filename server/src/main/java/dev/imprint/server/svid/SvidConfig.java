package dev.imprint.server.svid;

import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.text.FreeText;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Workload identity settings: the public issuer URL (null: the server's own URL), the JWT-SVID
 * audiences that get RS256 instead of ES256 (Microsoft Entra ID's workload identity federation
 * refuses ECDSA), the signing keys' lifetime and the trust bundle's refresh hint.
 */
public record SvidConfig(String issuerUrl, Set<String> rs256Audiences, Duration keyLifetime,
    Duration refreshHint) {
  /** How often verifiers are told to refetch the trust bundle unless configured otherwise. */
  public static final Duration DEFAULT_REFRESH_HINT = Duration.ofMinutes(5);

  public SvidConfig {
    rs256Audiences = rs256Audiences == null ? Set.of()
        : java.util.Collections.unmodifiableSet(new TreeSet<>(rs256Audiences));
    keyLifetime = keyLifetime == null ? KeyRing.DEFAULT_LIFETIME : keyLifetime;
    refreshHint = refreshHint == null ? DEFAULT_REFRESH_HINT : refreshHint;
  }

  /** The defaults: the server's URL as issuer, ES256 for every audience, 24 h keys. */
  public static SvidConfig defaults() {
    return new SvidConfig(null, Set.of(), KeyRing.DEFAULT_LIFETIME, DEFAULT_REFRESH_HINT);
  }

  /** The same settings with the public issuer URL {@code url}. */
  public SvidConfig withIssuerUrl(String url) {
    return new SvidConfig(url, rs256Audiences, keyLifetime, refreshHint);
  }

  /** The same settings with RS256 for {@code audiences}. */
  public SvidConfig withRs256Audiences(Set<String> audiences) {
    return new SvidConfig(issuerUrl, audiences, keyLifetime, refreshHint);
  }

  /** The same settings with keys of {@code lifetime}. */
  public SvidConfig withKeyLifetime(Duration lifetime) {
    return new SvidConfig(issuerUrl, rs256Audiences, lifetime, refreshHint);
  }

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException with what was expected and what was got
   */
  public SvidConfig validate() {
    if (issuerUrl != null) {
      URI u;
      try {
        u = URI.create(issuerUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected --issuer-url https://HOST[:PORT][/PATH],"
            + " got '" + FreeText.printable(issuerUrl) + "'");
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || u.getHost() == null
          || u.getQuery() != null || u.getFragment() != null || issuerUrl.endsWith("/")) {
        throw new IllegalArgumentException("expected --issuer-url https://HOST[:PORT][/PATH]"
            + " without query, fragment or trailing '/' (OpenID Connect Discovery 1.0 section"
            + " 3), got '" + FreeText.printable(issuerUrl) + "'");
      }
    }
    for (String a : rs256Audiences) {
      Audiences.check(a);
    }
    if (keyLifetime.compareTo(KeyRing.MIN_LIFETIME) < 0) {
      throw new IllegalArgumentException("expected --key-ttl of at least "
          + KeyRing.MIN_LIFETIME.toHours() + "h, got " + keyLifetime);
    }
    if (refreshHint.isNegative() || refreshHint.isZero()
        || refreshHint.compareTo(keyLifetime.dividedBy(6)) > 0) {
      throw new IllegalArgumentException("expected a bundle refresh hint from 1s to a sixth of"
          + " the key lifetime, got " + refreshHint);
    }
    return this;
  }
}
