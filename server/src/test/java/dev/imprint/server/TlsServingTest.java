package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.tls.TestCertificates;
import dev.imprint.server.tls.TestCertificates.Issued;
import dev.imprint.server.tls.TestCertificates.KeyFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsServingTest {
  @TempDir Path dir;

  private ServerConfig config(String host, Path cert, Path key, boolean insecure) {
    ServerConfig d = ServerConfig.defaults();
    return new ServerConfig(host, 0, dir.resolve("data"), null, d.trustDomain(), cert, key,
        insecure, d.logFormat(), d.maxBodyBytes());
  }

  private static ImprintServer start(ServerConfig c) {
    return ImprintServer.start(c, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
  }

  @Test
  void healthzIsServedOverHttpsToAClientTrustingTheCertificateAndPlainHttpFails()
      throws Exception {
    Issued issued = TestCertificates.current("EC");
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), issued.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), issued.keys(), KeyFormat.PKCS8);
    try (ImprintServer server = start(config("127.0.0.1", cert, key, false))) {
      assertThat(server.url()).startsWith("https://127.0.0.1:");
      SSLParameters tls12 = new SSLParameters();
      tls12.setProtocols(new String[] {"TLSv1.2"});
      for (SSLParameters params : new SSLParameters[] {null, tls12}) {
        HttpClient.Builder b = HttpClient.newBuilder()
            .sslContext(TestCertificates.trusting(issued.certificate()));
        if (params != null) {
          b.sslParameters(params);
        }
        HttpResponse<String> res = b.build().send(HttpRequest.newBuilder(
            URI.create(server.url() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("ok");
      }

      URI plain = URI.create("http://127.0.0.1:" + server.port() + "/healthz");
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      boolean plainServed;
      try {
        plainServed = client.send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(5))
            .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        plainServed = false;
      }
      assertThat(plainServed).as("plain HTTP answered on the TLS port").isFalse();
    }
  }

  @Test
  void everyTlsResponseCarriesHstsAndPlainHttpResponsesDoNot() throws Exception {
    Issued issued = TestCertificates.current("EC");
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), issued.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), issued.keys(), KeyFormat.PKCS8);
    HttpClient client = HttpClient.newBuilder()
        .sslContext(TestCertificates.trusting(issued.certificate())).build();
    try (ImprintServer server = start(config("127.0.0.1", cert, key, false))) {
      for (String path : new String[] {"/healthz", "/v1/tokens", "/no-such-route"}) {
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(
            URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.headers().firstValue("Strict-Transport-Security"))
            .as("%s answered %s", path, res.statusCode()).hasValue("max-age=31536000");
      }
    }
    try (ImprintServer plain = start(config("127.0.0.1", null, null, false))) {
      HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(plain.url() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }
  }

  @Test
  void tls11IsRefused() {
    Issued issued = TestCertificates.current("RSA");
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), issued.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), issued.keys(),
        KeyFormat.TRADITIONAL);
    try (ImprintServer server = start(config("127.0.0.1", cert, key, false))) {
      SSLParameters old = new SSLParameters();
      old.setProtocols(new String[] {"TLSv1.1"});
      HttpClient client = HttpClient.newBuilder()
          .sslContext(TestCertificates.trusting(issued.certificate())).sslParameters(old).build();
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(
          URI.create(server.url() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void nonLoopbackWithoutTlsIsRefusedUnlessInsecureWhichIsLoggedLoudly() {
    assertThatThrownBy(() -> start(config("0.0.0.0", null, null, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refusing plain HTTP on non-loopback address '0.0.0.0'")
        .hasMessageContaining("--insecure-no-tls");

    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      try (ImprintServer server = start(config("0.0.0.0", null, null, true))) {
        assertThat(server.url()).startsWith("http://");
      }
      assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("WARN")
          .contains("INSECURE").contains("0.0.0.0").contains("--insecure-no-tls"));
    }
  }

  @Test
  void expiredCertificateStartsWithAWarningAndAMismatchedKeyDoesNotStart() {
    Issued old = TestCertificates.selfSigned(TestCertificates.keys("EC"),
        Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1));
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), old.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), old.keys(), KeyFormat.PKCS8);
    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      start(config("127.0.0.1", cert, key, false)).close();
      assertThat(log.text()).contains("WARN").contains("expired");
    }

    Path other = TestCertificates.writeKey(dir.resolve("other.pem"), TestCertificates.keys("EC"),
        KeyFormat.PKCS8);
    assertThatThrownBy(() -> start(config("127.0.0.1", cert, other, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match the certificate");
  }
}
