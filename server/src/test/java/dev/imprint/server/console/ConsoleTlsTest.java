package dev.imprint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.TestServer;
import dev.imprint.server.tls.TestCertificates;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under TLS the session cookie is Secure (and HSTS is on the console's answers too). */
class ConsoleTlsTest {
  @TempDir Path dir;

  @Test
  void aSessionCookieSetOverTlsIsSecure() throws Exception {
    TestCertificates.Issued issued = TestCertificates.current("EC");
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), issued.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), issued.keys(),
        TestCertificates.KeyFormat.PKCS8);
    ServerConfig d = ServerConfig.defaults();
    try (TestServer server = TestServer.start(new ServerConfig("127.0.0.1", 0,
        dir.resolve("data"), null, d.trustDomain(), cert, key, false, d.logFormat(),
        d.maxBodyBytes()))) {
      assertThat(server.url()).startsWith("https://");
      HttpClient client = HttpClient.newBuilder()
          .sslContext(TestCertificates.trusting(issued.certificate()))
          .followRedirects(HttpClient.Redirect.NEVER).build();
      HttpResponse<String> res = client.send(HttpRequest.newBuilder(
          URI.create(server.url() + "/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("token="
              + URLEncoder.encode(server.adminToken(), StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as(res.body()).isEqualTo(303);
      assertThat(res.headers().firstValue("Set-Cookie")).hasValueSatisfying(c ->
          assertThat(c).startsWith(ConsoleRoutes.COOKIE + "=").contains("; Secure",
              "HttpOnly", "SameSite=Strict"));
      assertThat(res.headers().firstValue("Strict-Transport-Security")).isPresent();
    }
  }
}
