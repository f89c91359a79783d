package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.cli.remote.RemoteException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The workload side of attestation and renewal: generates a key pair here (the private key never
 * leaves), sends a CSR with the join token or the workload session, and writes spiffe-helper's
 * files atomically and durably ({@link OutputFile}: a temporary file in the same directory,
 * forced to the disk, then a rename, then the directory forced).
 */
final class SvidFetcher {
  static final String SVID = "svid.pem";
  static final String KEY = "svid_key.pem";
  static final String BUNDLE = "bundle.pem";
  static final String JWT = "jwt_svid.token";
  static final String JWT_BUNDLE = "jwt_bundle.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a first attestation keeps asking a server that cannot serve it yet. */
  static final Duration ATTEST_PATIENCE = Duration.ofMinutes(2);
  /** The longest Retry-After honoured; a longer one is waited for this long. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  /** Problem codes of a 503 that say the request wrote nothing (docs/api.md). */
  private static final Set<String> NOTHING_WRITTEN = Set.of("server.busy", "store.busy",
      "store.unavailable");

  private final URI base;
  private final Path dir;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** The time fetchers made from now on read and wait on (a test's moves instead of sleeping). */
  private static volatile WatchTime watchTime = WatchTime.SYSTEM;
  private final WatchTime time = watchTime;
  private final String jwtTtl;
  private final String x509Ttl;
  /** The last answer's Retry-After (at most {@link #MAX_RETRY_AFTER}), or null without one. */
  private Duration retryAfter;

  SvidFetcher(String server, Path dir, String jwtTtl, String x509Ttl) {
    this.jwtTtl = jwtTtl;
    this.x509Ttl = x509Ttl;
    String s = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    URI u;
    try {
      u = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected --server http(s)://HOST:PORT, got '" + server
          + "'");
    }
    if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
      throw new IllegalArgumentException("expected --server http(s)://HOST:PORT, got '" + server
          + "'");
    }
    this.base = u;
    this.dir = dir;
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("cannot create --out " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Redeems the join token and writes the files; returns the server's answer. A server that
   * answers 503 with a code saying nothing was written (it is busy, or its store is not
   * serving yet, as just after a start on a loaded machine) left the token unused, so the same
   * request is sent again after its Retry-After, for up to {@link #ATTEST_PATIENCE}; any other
   * failure, and a 503 whose outcome is unknown, ends the attestation (a token that may have
   * been redeemed is never presented twice).
   */
  JsonNode attest(String joinToken, String audience, PrintWriter err) {
    KeyPair key = newKey();
    Map<String, Object> body = ask(audience, key);
    body.put("join_token", joinToken);
    Instant giveUp = time.now().plus(ATTEST_PATIENCE);
    while (true) {
      try {
        JsonNode issued = post("/v1/attest/join-token", null, body);
        write(issued, key);
        return issued;
      } catch (RemoteException e) {
        Duration wait = nothingWritten(e) ? retryAfter : null;
        if (wait == null || time.now().plus(wait).isAfter(giveUp)) {
          throw e;
        }
        err.println("imprint: the server cannot attest yet (" + e.code() + "); asking again in "
            + wait.toSeconds() + "s");
        err.flush();
        sleepUntil(time.now().plus(wait));
      }
    }
  }

  /** Whether the server said that it wrote nothing and may serve the same request later. */
  private static boolean nothingWritten(RemoteException e) {
    return e.status() == 503 && NOTHING_WRITTEN.contains(e.code());
  }

  /**
   * Sleeps until the previous answer's {@code renew_after}, then renews with its session (a new
   * key each time) and writes the files. A server it cannot reach, or one that answers that it
   * cannot serve now (429, 5xx: busy, its store unavailable, restarting behind a proxy), is asked
   * again, at intervals set by the earliest expiry of what was written, until the session
   * expires.
   *
   * @throws RemoteException when the server refuses (the image retired, the identity disabled)
   */
  JsonNode renewWhenDue(JsonNode previous, String audience, PrintWriter err) {
    Instant due = Instant.parse(previous.path("renew_after").asText());
    Instant expires = Instant.parse(previous.at("/session/expires_at").asText());
    Instant earliest = earliestExpiry(previous, expires);
    sleepUntil(due);
    while (true) {
      KeyPair key = newKey();
      try {
        JsonNode issued = post("/v1/svid/renew", previous.at("/session/token").asText(),
            ask(audience, key));
        write(issued, key);
        return issued;
      } catch (RemoteException e) {
        if (!worthRetrying(e) || !time.now().isBefore(expires)) {
          throw e;
        }
        Duration wait = SvidCommand.retryDelay(Duration.between(time.now(), earliest));
        err.println("imprint: renewal failed (" + e.getMessage() + "); retrying in "
            + wait.toSeconds() + "s");
        err.flush();
        sleepUntil(time.now().plus(wait));
      }
    }
  }

  /** Whether asking again may succeed: no answer, or an answer that the server is unable now. */
  static boolean worthRetrying(RemoteException e) {
    return e.exitCode() == RemoteException.UNREACHABLE || e.status() == 429
        || e.status() >= 500;
  }

  /** The earliest of the session's and the written SVIDs' expiries. */
  private static Instant earliestExpiry(JsonNode issued, Instant session) {
    Instant earliest = session;
    for (String at : new String[] {"/x509_svid/expires_at", "/jwt_svid/expires_at"}) {
      if (issued.at(at).isTextual()) {
        Instant t = Instant.parse(issued.at(at).asText());
        earliest = t.isBefore(earliest) ? t : earliest;
      }
    }
    return earliest;
  }

  /** One line about what was written. */
  String summary(JsonNode issued) {
    StringBuilder b = new StringBuilder(issued.path("spiffe_id").asText());
    if (issued.has("x509_svid")) {
      b.append(": X.509-SVID until ").append(issued.at("/x509_svid/expires_at").asText());
    }
    if (issued.has("jwt_svid")) {
      b.append(", JWT-SVID until ").append(issued.at("/jwt_svid/expires_at").asText());
    }
    return b.append(" in ").append(dir).append("; renew after ")
        .append(issued.path("renew_after").asText()).toString();
  }

  private Map<String, Object> ask(String audience, KeyPair key) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (audience != null) {
      body.put("audience", audience);
      if (jwtTtl != null) {
        body.put("jwt_ttl", jwtTtl);
      }
    }
    body.put("csr", csr(key));
    if (x509Ttl != null) {
      body.put("x509_ttl", x509Ttl);
    }
    return body;
  }

  /**
   * Writes each file atomically, in the order that never shows a reader a credential it cannot
   * use: the bundles first (they hold the old and the new authorities), then the key, then the
   * certificate chain a reloading workload watches (so a new svid.pem always finds its key).
   */
  private void write(JsonNode issued, KeyPair key) {
    replace(BUNDLE, issued.path("x509_bundle").asText(), false);
    replace(JWT_BUNDLE, get("/v1/bundle/jwt"), false);
    replace(KEY, pem("PRIVATE KEY", key.getPrivate().getEncoded()), true);
    replace(SVID, issued.at("/x509_svid/certificates").asText(), false);
    if (issued.has("jwt_svid")) {
      replace(JWT, issued.at("/jwt_svid/token").asText(), true);
    }
  }

  private void replace(String name, String content, boolean secret) {
    Path target = dir.resolve(name);
    try {
      OutputFile.replace(target, content, PosixFilePermissions.fromString(
          secret ? "rw-------" : "rw-r--r--"));
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("cannot write " + target + ": " + e.getMessage());
    }
  }

  static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA P-256 is required by the Java platform", e);
    }
  }

  /** A CSR with an empty subject and no extension: Imprint grants the SVID's SPIFFE ID. */
  static String csr(KeyPair key) {
    try {
      byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]),
          key.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA")
              .build(key.getPrivate())).getEncoded();
      return pem("CERTIFICATE REQUEST", der);
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build a certificate request", e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64,
        "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) + "\n-----END " + type
        + "-----\n";
  }

  private JsonNode post(String path, String bearer, Object body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      retryAfter = res.headers().firstValue("Retry-After").map(SvidFetcher::seconds)
          .orElse(null);
      JsonNode node = readOrNull(res.body());
      if (res.statusCode() == 200 && node != null) {
        return node;
      }
      if (node != null && node.hasNonNull("code")) {
        throw new RemoteException(RemoteException.REFUSED, node.get("code").asText(),
            node.path("detail").asText(), res.statusCode());
      }
      throw new RemoteException(RemoteException.REFUSED, "http." + res.statusCode(),
          "the server answered HTTP " + res.statusCode(), res.statusCode());
    } catch (ConnectException | HttpTimeoutException e) {
      throw unreachable();
    } catch (IOException e) {
      throw new RemoteException(RemoteException.UNREACHABLE, "client.io", "talking to " + base
          + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteException(RemoteException.UNREACHABLE, "client.interrupted", "interrupted");
    }
  }

  private String get(String path) {
    try {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(base.resolve(path))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 200) {
        throw new RemoteException(RemoteException.REFUSED, "http." + res.statusCode(),
            "the server answered HTTP " + res.statusCode() + " for " + path, res.statusCode());
      }
      return res.body();
    } catch (ConnectException | HttpTimeoutException e) {
      throw unreachable();
    } catch (IOException e) {
      throw new RemoteException(RemoteException.UNREACHABLE, "client.io", "talking to " + base
          + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteException(RemoteException.UNREACHABLE, "client.interrupted", "interrupted");
    }
  }

  /** A Retry-After of delay-seconds, from 1s to {@link #MAX_RETRY_AFTER}; null for a date. */
  private static Duration seconds(String value) {
    if (!value.matches("\\d{1,9}")) {
      return null;
    }
    long s = Math.max(1, Math.min(Long.parseLong(value), MAX_RETRY_AFTER.toSeconds()));
    return Duration.ofSeconds(s);
  }

  private RemoteException unreachable() {
    return new RemoteException(RemoteException.UNREACHABLE, "client.unreachable",
        "cannot reach the Imprint server at " + base);
  }

  private static JsonNode readOrNull(byte[] raw) {
    try {
      return raw.length == 0 ? null : JSON.readTree(raw);
    } catch (IOException e) {
      return null;
    }
  }

  /** Makes the fetchers made from now on read and wait on {@code t} (tests); returns the last. */
  static WatchTime useWatchTime(WatchTime t) {
    WatchTime previous = watchTime;
    watchTime = t;
    return previous;
  }

  private void sleepUntil(Instant t) {
    try {
      time.sleepUntil(t);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteException(RemoteException.UNREACHABLE, "client.interrupted", "interrupted");
    }
  }
}
