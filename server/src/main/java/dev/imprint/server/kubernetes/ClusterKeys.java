package dev.imprint.server.kubernetes;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification keys of each cluster. A JWKS given as a document is used as stored; one
 * given as a URL is fetched and cached for the response's {@code Cache-Control: max-age}
 * (bounded to {@link #MIN_MAX_AGE}..{@link #MAX_MAX_AGE}, {@link #DEFAULT_MAX_AGE} without
 * one), fetched again early when a token names a key id it does not hold (at most once per
 * {@code refetchInterval} per cluster, so unknown key ids cannot make Imprint hammer the
 * issuer), and kept when a fetch fails, so an unreachable issuer does not stop attestation with
 * the keys already known. The cache is per process and rebuilt from the store; a fetched JWKS
 * that differs from the stored one is written back (and audited by the caller's hook).
 */
final class ClusterKeys {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterKeys.class);
  static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
  static final Duration MIN_MAX_AGE = Duration.ofSeconds(30);
  static final Duration MAX_MAX_AGE = Duration.ofHours(24);
  static final Duration DEFAULT_REFETCH_INTERVAL = Duration.ofSeconds(30);
  static final int MAX_JWKS_BYTES = 1 << 20;
  private static final Pattern MAX_AGE = Pattern.compile("(?i)(?:^|[,\\s])max-age\\s*=\\s*"
      + "\"?(\\d{1,10})\"?");
  private static final Pattern NO_CACHE = Pattern.compile("(?i)(?:^|[,\\s])(no-store|no-cache)"
      + "(?:$|[,\\s=])");

  /** Called with a fetched JWKS that differs from the stored one. */
  @FunctionalInterface
  interface Changed {
    void changed(Cluster cluster, String jwks);
  }

  /** A fetched document and how long it may be cached. */
  record Fetched(String body, Duration maxAge) {}

  private final HttpClient http;
  private final Clock clock;
  private final Duration refetchInterval;
  private final Changed onChange;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  ClusterKeys(Clock clock, Duration refetchInterval, Changed onChange) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.clock = clock;
    this.refetchInterval = refetchInterval;
    this.onChange = onChange;
  }

  /** One cluster's cached keys; its monitor serialises refreshes. */
  private static final class Entry {
    final String source;
    JWKSet keys;
    String json;
    Instant expiresAt = Instant.MIN;
    Instant lastAttempt = Instant.MIN;

    Entry(String source, JWKSet keys, String json) {
      this.source = source;
      this.keys = keys;
      this.json = json;
    }
  }

  /** The key {@code kid} of {@code cluster}, or null when its JWKS holds none by that id. */
  JWK key(Cluster cluster, String kid) {
    Entry e = entry(cluster);
    synchronized (e) {
      if (cluster.jwksUrl() == null) {
        return e.keys.getKeyByKeyId(kid);
      }
      Instant now = clock.instant();
      if (!now.isBefore(e.expiresAt) && !now.isBefore(e.lastAttempt.plus(MIN_MAX_AGE))) {
        refresh(cluster, e, now, "cached keys expired");
      }
      JWK key = e.keys.getKeyByKeyId(kid);
      if (key == null && !now.isBefore(e.lastAttempt.plus(refetchInterval))) {
        refresh(cluster, e, now, "unknown key id");
        key = e.keys.getKeyByKeyId(kid);
      }
      return key;
    }
  }

  /** The keys currently held for {@code cluster} (for views). */
  JWKSet keys(Cluster cluster) {
    return entry(cluster).keys;
  }

  private Entry entry(Cluster cluster) {
    // The source names what the entry was built from: a document changes with updated_at, a URL
    // entry lives as long as the URL (its keys are refreshed in place).
    String source = cluster.jwksUrl() == null ? "doc@" + cluster.updatedAt().toEpochMilli()
        : "url:" + cluster.jwksUrl();
    return entries.compute(cluster.name(), (k, old) -> old != null && old.source.equals(source)
        ? old : new Entry(source, Jwks.parse(cluster.jwks()), cluster.jwks()));
  }

  private void refresh(Cluster cluster, Entry e, Instant now, String why) {
    e.lastAttempt = now;
    try {
      Fetched f = fetch(URI.create(cluster.jwksUrl()));
      JWKSet set = Jwks.parse(f.body());
      e.expiresAt = now.plus(f.maxAge());
      String json = set.toString(true);
      if (!json.equals(e.json)) {
        e.keys = set;
        e.json = json;
        onChange.changed(cluster, json);
      }
    } catch (IOException | KubernetesException | IllegalArgumentException ex) {
      e.expiresAt = now.plus(MIN_MAX_AGE);
      LOG.warn("cluster {}: fetching the JWKS from {} ({}) failed; keeping the {} keys held: {}",
          cluster.name(), cluster.jwksUrl(), why, e.keys.size(), ex.getMessage());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Fetches a JWKS document: HTTP 200, at most {@link #MAX_JWKS_BYTES}, no redirects.
   *
   * @throws IOException with what went wrong, for the operator
   */
  Fetched fetch(URI url) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
        .header("Accept", "application/json, application/jwk-set+json").GET().build();
    HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = res.body()) {
      if (res.statusCode() != 200) {
        throw new IOException("the JWKS URL answered HTTP " + res.statusCode() + ", expected 200");
      }
      byte[] body = in.readNBytes(MAX_JWKS_BYTES + 1);
      if (body.length > MAX_JWKS_BYTES) {
        throw new IOException("the JWKS is larger than " + MAX_JWKS_BYTES + " bytes");
      }
      return new Fetched(new String(body, StandardCharsets.UTF_8),
          maxAge(res.headers().firstValue("Cache-Control").orElse(null)));
    }
  }

  /** How long a response may be cached, from its Cache-Control header. */
  static Duration maxAge(String cacheControl) {
    if (cacheControl == null) {
      return DEFAULT_MAX_AGE;
    }
    if (NO_CACHE.matcher(cacheControl).find()) {
      return MIN_MAX_AGE;
    }
    Matcher m = MAX_AGE.matcher(cacheControl);
    if (!m.find()) {
      return DEFAULT_MAX_AGE;
    }
    Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)));
    return d.compareTo(MIN_MAX_AGE) < 0 ? MIN_MAX_AGE
        : d.compareTo(MAX_MAX_AGE) > 0 ? MAX_MAX_AGE : d;
  }

  /**
   * Checks a JWKS URL: {@code https}, or {@code http} to a loopback address only (a key fetched
   * in the clear could be anyone's).
   */
  static URI checkUrl(String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw KubernetesException.invalid("cluster.jwks_url_invalid", "expected an https:// URL"
          + " of the issuer's JWKS, got '" + ContainerImage.shorten(url) + "'");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))
        || u.getRawUserInfo() != null || u.getRawFragment() != null) {
      throw KubernetesException.invalid("cluster.jwks_url_invalid", "expected an https:// URL"
          + " of the issuer's JWKS (no user info, no fragment), got '"
          + ContainerImage.shorten(url) + "'");
    }
    if (scheme.equals("http") && !loopback(u.getHost())) {
      throw KubernetesException.invalid("cluster.jwks_url_insecure", "expected https:// for a"
          + " JWKS on another host (keys fetched in the clear could be replaced on the way);"
          + " plain http is accepted for loopback only, got '" + ContainerImage.shorten(url)
          + "'");
    }
    return u;
  }

  private static boolean loopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return (h.matches("[0-9.]+") || h.contains(":")) && InetAddress.getByName(h)
          .isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
