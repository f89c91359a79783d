package dev.imprint.bench.load;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code POST /v1/images}: registers a new digest per call for one identity; the image, its
 * first lifecycle event and an audit entry are written in one durable group-committed unit.
 */
final class ImageRegistration implements Scenario {
  static final String IDENTITY = "spiffe://imprint.local/bench/api";
  private static final java.util.concurrent.atomic.AtomicLong SEQUENCE =
      new java.util.concurrent.atomic.AtomicLong();

  @Override
  public String name() {
    return "image-register";
  }

  @Override
  public void setUp(Target t) throws Exception {
    createIdentity(t);
  }

  static void createIdentity(Target t) throws Exception {
    HttpResponse<String> r = LoadGenerator.HTTP.send(t.postJson("/v1/identities", t.adminToken(),
        "{\"spiffeId\":\"" + IDENTITY + "\",\"kind\":\"workload\",\"owner\":\"bench\","
            + "\"environment\":\"prod\"}"), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("cannot create the bench identity: " + r.body());
    }
  }

  static String digest(String seed) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(seed.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpRequest register(Target t, String digest, String tag) {
    return t.postJson("/v1/images", t.adminToken(), "{\"repository\":\"registry.example/bench/api\","
        + "\"tag\":\"" + tag + "\",\"digest\":\"" + digest + "\",\"identity\":\"" + IDENTITY
        + "\",\"provenance\":{\"sourceRepository\":\"github.com/bench/api\","
        + "\"commit\":\"0123456789abcdef0123456789abcdef01234567\"}}");
  }

  @Override
  public HttpRequest request(Target t, int client, long i) {
    long n = SEQUENCE.incrementAndGet();  // unique across warm-up and measured runs
    return register(t, digest("register-" + n), "n" + n);
  }

  @Override
  public int expectedStatus() {
    return 201;
  }
}
