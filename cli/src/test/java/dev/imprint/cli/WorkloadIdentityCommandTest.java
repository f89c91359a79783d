package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code join-token create}, {@code svid fetch [--watch]} and {@code keys} against a server. */
class WorkloadIdentityCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String API = "spiffe://imprint.local/payments/api";
  static final String DIGEST = "sha256:" + "ab".repeat(32);
  @TempDir Path dir;
  ImprintServer server;
  Supplier<String> previous;
  ApiClient admin;

  @BeforeEach
  void start() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"), null,
        d.trustDomain(), null, null, false, d.logFormat(), d.maxBodyBytes())
        .withCheckpointInterval(java.time.Duration.ZERO),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    String token = console.toString(StandardCharsets.UTF_8)
        .replaceAll("(?s).*admin token: (\\S+).*", "$1");
    previous = RemoteOptions.useTokenSource(() -> token);
    admin = new ApiClient(server.url(), token);
    admin.post("/v1/identities", Map.of("spiffeId", API, "kind", "workload", "owner", "team",
        "environment", "prod"));
    String pipeline = admin.post("/v1/tokens", Map.of("role", "pipeline", "identity", API))
        .get("token").asText();
    new ApiClient(server.url(), pipeline).post("/v1/images", Map.of("repository", "registry.example/payments/api",
        "digest", DIGEST, "identity", API, "provenance", Map.of("sourceRepository",
            "github.com/acme/pay", "commit", "3f9a1c2")));
    admin.post("/v1/images/" + DIGEST + "/approve", Map.of("reason", "ok"));
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previous);
    server.close();
  }

  String joinToken() {
    Cli c = Cli.run("join-token", "create", "--image", DIGEST, "--identity", API, "--ttl", "5m",
        "--server", server.url());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out().lines().toList()).as("the token alone").singleElement()
        .satisfies(t -> assertThat(t).matches("imj_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"));
    return c.out().strip();
  }

  @Test
  void fetchWritesSpiffeHelpersFilesWithAKeyGeneratedLocallyAndASecondUseIsRefused()
      throws Exception {
    String token = joinToken();
    Path out = dir.resolve("svid");
    long forced = OutputFile.filesForced();
    long directories = OutputFile.directoriesForced();
    Cli c = Cli.run("svid", "fetch", "--join-token", token, "--audience", "https://db.example",
        "--out", out.toString(), "--server", server.url());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(OutputFile.filesForced() - forced).as("each file forced before its rename")
        .isGreaterThanOrEqualTo(5);
    assertThat(OutputFile.directoriesForced() - directories).as("and the directory after")
        .isGreaterThanOrEqualTo(5);
    assertThat(c.out()).contains(API);
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder("svid.pem", "svid_key.pem", "bundle.pem",
              "jwt_svid.token", "jwt_bundle.json");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        out.resolve("svid_key.pem")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        out.resolve("jwt_svid.token")))).isEqualTo("rw-------");
    List<X509Certificate> chain = certs(out.resolve("svid.pem"));
    validates(chain, certs(out.resolve("bundle.pem")));
    assertThat(chain.get(0).getSubjectAlternativeNames().iterator().next().get(1))
        .isEqualTo(API);
    matches(chain.get(0), out.resolve("svid_key.pem"));
    String jwt = Files.readString(out.resolve("jwt_svid.token"));
    String kid = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]))
        .get("kid").asText();
    JsonNode jwks = JSON.readTree(out.resolve("jwt_bundle.json").toFile());
    assertThat(jwks.get("keys").findValuesAsText("kid")).contains(kid);

    Cli again = Cli.run("svid", "fetch", "--join-token", token, "--out",
        dir.resolve("again").toString(), "--server", server.url());
    assertThat(again.code()).isEqualTo(3);
    assertThat(again.err()).contains("join_token.used");
  }

  /**
   * The watch waits until each answer's {@code renew_after} (before the X.509-SVID expires) and
   * renews with a new key; once the image is retired it stops with exit 3 and leaves the files.
   * Its waits move a time of the test's instead of sleeping (the server does not refuse an early
   * renewal), and the test reads the files and retires the image at the second wait.
   */
  @Test
  void watchRenewsBeforeExpiryAndStopsWithExit3OnceTheImageIsRetired() throws Exception {
    String token = joinToken();
    Path out = dir.resolve("watched");
    List<String> written = new ArrayList<>();
    SteppedTime time = new SteppedTime(wait -> {
      written.add(Files.readString(out.resolve("svid.pem")));
      if (wait == 2) {
        admin.post("/v1/images/" + DIGEST + "/retire", Map.of("reason", "CVE-2026-1234"));
      }
    });
    Cli c = time.run("svid", "fetch", "--join-token", token, "--audience", "a", "--jwt-ttl",
        "30s", "--x509-ttl", "30s", "--out", out.toString(), "--server", server.url(),
        "--watch", "--max-renewals", "2");

    assertThat(c.code()).as(c.out() + c.err()).isEqualTo(3);
    assertThat(c.err()).contains("svid.image_not_approved");
    List<String> answers = c.out().lines().toList();
    assertThat(answers).as("the attestation and one renewal").hasSize(2);
    assertThat(time.waits()).as("waited until each answer's renew_after").hasSize(2);
    for (int i = 0; i < 2; i++) {
      Matcher m = SUMMARY.matcher(answers.get(i));
      assertThat(m.find()).as(answers.get(i)).isTrue();
      assertThat(time.waits().get(i)).isEqualTo(Instant.parse(m.group(2)))
          .isBefore(Instant.parse(m.group(1)));
    }
    String first = written.get(0);
    String second = written.get(1);
    assertThat(second).as("renewed").isNotEqualTo(first);
    assertThat(certs(second).get(0).getPublicKey()).as("a new key")
        .isNotEqualTo(certs(first).get(0).getPublicKey());
    validates(certs(second), certs(out.resolve("bundle.pem")));
    assertThat(Files.readString(out.resolve("svid.pem"))).as("left as it was").isEqualTo(second);
    matches(certs(second).get(0), out.resolve("svid_key.pem"));
  }

  /** The X.509-SVID's expiry and the renew_after of a line {@code svid fetch} prints. */
  static final Pattern SUMMARY =
      Pattern.compile("X\\.509-SVID until ([^,\\s]+).* renew after (\\S+)$");

  /**
   * A time for {@code svid fetch --watch} that moves to each moment the watch waits for, instead
   * of sleeping, after running the test's step for that wait (numbered from 1).
   */
  static final class SteppedTime implements WatchTime {
    /** What the test does at a wait, before the time moves on. */
    interface Step {
      void at(int wait) throws Exception;
    }

    private final Step step;
    private final List<Instant> waits = new CopyOnWriteArrayList<>();
    private volatile Instant now = Instant.now();

    SteppedTime(Step step) {
      this.step = step;
    }

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public void sleepUntil(Instant t) {
      waits.add(t);
      try {
        step.at(waits.size());
      } catch (Exception e) {
        throw new IllegalStateException("the test's step at wait " + waits.size(), e);
      }
      if (t.isAfter(now)) {
        now = t;
      }
    }

    /** The moments the watch waited for, in order. */
    List<Instant> waits() {
      return waits;
    }

    /** Runs the CLI with this time. */
    Cli run(String... args) {
      WatchTime previous = SvidFetcher.useWatchTime(this);
      try {
        return Cli.run(args);
      } finally {
        SvidFetcher.useWatchTime(previous);
      }
    }
  }

  @Test
  void watchAsksAgainSoonWhenTheServerCannotServeARenewalNow() throws Exception {
    // the first renewal is answered 503 store.unavailable (as during a database failover)
    AtomicInteger renewals = new AtomicInteger();
    HttpServer front = front("/v1/svid/renew", "store.unavailable", null, renewals);
    try {
      Path out = dir.resolve("retried");
      SteppedTime time = new SteppedTime(wait -> { });
      Cli c = time.run("svid", "fetch", "--join-token", joinToken(), "--x509-ttl", "30s",
          "--out", out.toString(), "--server", "http://127.0.0.1:"
              + front.getAddress().getPort(), "--watch", "--max-renewals", "1");
      assertThat(c.code()).as(c.out() + c.err()).isZero();
      assertThat(renewals).as("refused once, then renewed").hasValue(2);
      // the X.509-SVID had about 15 s left: the retry comes within a tenth of that, not after
      // a tenth of the hour-long session
      assertThat(c.err()).contains("renewal failed (the store is unavailable)")
          .contains("retrying in 1s");
      Matcher first = SUMMARY.matcher(c.out().lines().findFirst().orElseThrow());
      assertThat(first.find()).isTrue();
      assertThat(time.waits()).as("renew_after, then the retry").hasSize(2);
      assertThat(Duration.between(time.waits().get(0), time.waits().get(1)))
          .as("a tenth of what the X.509-SVID had left")
          .isEqualTo(Duration.between(time.waits().get(0), Instant.parse(first.group(1)))
              .dividedBy(10));
      assertThat(c.out().lines()).as("the attestation and one renewal").hasSize(2);
      validates(certs(out.resolve("svid.pem")), certs(out.resolve("bundle.pem")));
    } finally {
      front.stop(0);
    }
  }

  @Test
  void aFirstAttestationAnsweredThatNothingWasWrittenIsSentAgainAfterItsRetryAfter()
      throws Exception {
    // as a server just started on a loaded machine may answer while its store is not serving yet
    AtomicInteger attestations = new AtomicInteger();
    HttpServer front = front("/v1/attest/join-token", "store.unavailable", "1", attestations);
    try {
      Path out = dir.resolve("first");
      Cli c = Cli.run("svid", "fetch", "--join-token", joinToken(), "--out", out.toString(),
          "--server", "http://127.0.0.1:" + front.getAddress().getPort());
      assertThat(c.code()).as(c.out() + c.err()).isZero();
      assertThat(attestations).as("refused once, then attested").hasValue(2);
      assertThat(c.err()).contains("cannot attest yet (store.unavailable); asking again in 1s");
      validates(certs(out.resolve("svid.pem")), certs(out.resolve("bundle.pem")));
    } finally {
      front.stop(0);
    }
  }

  @Test
  void aFirstAttestationWhoseOutcomeIsUnknownIsNotSentAgain() throws Exception {
    // the token may have been redeemed: presenting it again could only be refused as used
    AtomicInteger attestations = new AtomicInteger();
    HttpServer front = front("/v1/attest/join-token", "store.outcome_unknown", "1",
        attestations);
    try {
      Cli c = Cli.run("svid", "fetch", "--join-token", joinToken(), "--out",
          dir.resolve("unknown").toString(), "--server", "http://127.0.0.1:"
              + front.getAddress().getPort());
      assertThat(c.code()).as(c.out() + c.err()).isEqualTo(3);
      assertThat(c.err()).contains("store.outcome_unknown");
      assertThat(attestations).hasValue(1);
    } finally {
      front.stop(0);
    }
  }

  /**
   * A fake of one failure mode in front of the real server: the first request to {@code path}
   * is answered 503 {@code code} (with {@code retryAfter} when not null), everything else is
   * passed on; {@code seen} counts the requests to {@code path}.
   */
  private HttpServer front(String path, String code, String retryAfter, AtomicInteger seen)
      throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    HttpServer front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    front.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      if (ex.getRequestURI().getPath().equals(path) && seen.incrementAndGet() == 1) {
        if (retryAfter != null) {
          ex.getResponseHeaders().add("Retry-After", retryAfter);
        }
        answer(ex, 503, ("{\"code\":\"" + code + "\",\"detail\":\"the store is"
            + " unavailable\"}").getBytes(StandardCharsets.UTF_8));
        return;
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url()
          + ex.getRequestURI())).method(ex.getRequestMethod(), body.length == 0
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String h : List.of("Authorization", "Content-Type")) {
        String v = ex.getRequestHeaders().getFirst(h);
        if (v != null) {
          b.header(h, v);
        }
      }
      try {
        HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        answer(ex, res.statusCode(), res.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer(ex, 502, new byte[0]);
      }
    });
    front.start();
    return front;
  }

  private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  @Test
  void keysListShowsTheActiveKeysAndRotateRefusesAnActivationOutOfRange() {
    Cli list = Cli.run("keys", "list", "--server", server.url());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("jwt-svid", "x509-svid", "active", "ES256");
    Cli soon = Cli.run("keys", "rotate", "--activate-in", "5s", "--server", server.url());
    assertThat(soon.code()).isEqualTo(3);
    assertThat(soon.err()).contains("keys.activation_too_soon");
    Cli late = Cli.run("keys", "rotate", "--activate-in", "720h", "--server", server.url());
    assertThat(late.code()).isEqualTo(3);
    assertThat(late.err()).contains("keys.activation_too_late", "from 20s to 4h20s");
    Cli rotate = Cli.run("keys", "rotate", "--activate-in", "1m", "--server", server.url());
    assertThat(rotate.code()).as(rotate.err()).isZero();
    assertThat(rotate.out()).contains("jwt-svid ES256", "x509-svid ES256", "signs from");
    assertThat(Cli.run("keys", "list", "--server", server.url()).out()).contains("prepared");
  }

  static List<X509Certificate> certs(Path pem) throws Exception {
    return certs(Files.readString(pem));
  }

  static List<X509Certificate> certs(String pem) throws Exception {
    return CertificateFactory.getInstance("X.509").generateCertificates(
        new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
        .map(c -> (X509Certificate) c).toList();
  }

  static void validates(List<X509Certificate> chain, List<X509Certificate> roots)
      throws Exception {
    PKIXParameters p = new PKIXParameters(roots.stream().map(r -> new TrustAnchor(r, null))
        .collect(Collectors.toSet()));
    p.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
        .generateCertPath(chain), p);
  }

  static void matches(X509Certificate cert, Path keyPem) throws Exception {
    String b64 = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "")
        .replaceAll("\\s", "");
    PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(
        new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(k);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(cert.getPublicKey());
    s.update(new byte[] {1, 2, 3});
    assertThat(s.verify(sig)).as("the key is the certificate's").isTrue();
  }
}
