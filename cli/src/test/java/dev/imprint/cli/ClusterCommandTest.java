package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imprint cluster} and admission tokens end to end against a real server. */
class ClusterCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  ImprintServer server;
  String admin;
  Supplier<String> previousToken;
  RSAKey key;

  @BeforeEach
  void start() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"), null,
        d.trustDomain(), null, null, false, d.logFormat(), d.maxBodyBytes()),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    admin = console.toString(StandardCharsets.UTF_8).replaceAll("(?s).*admin token: (\\S+).*",
        "$1");
    previousToken = RemoteOptions.useTokenSource(() -> admin);
    key = new RSAKeyGenerator(2048).keyID("sa-key-1").generate();
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previousToken);
    server.close();
  }

  Cli imprint(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--server";
    all[args.length + 1] = server.url();
    return Cli.run(all);
  }

  Path jwksFile(String json) throws Exception {
    Path f = dir.resolve("jwks.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void aClusterIsAddedFromAFileShownAndGivenAnAdmissionToken() throws Exception {
    Path jwks = jwksFile(new JWKSet(key.toPublicJWK()).toString(true));
    Cli add = imprint("cluster", "add", "prod-eu", "--issuer",
        "https://kubernetes.default.svc", "--jwks", jwks.toString());
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(add.out()).contains("added cluster prod-eu (keys sa-key-1)");
    Cli show = imprint("cluster", "show", "prod-eu");
    assertThat(show.out()).contains("issuer:   https://kubernetes.default.svc")
        .contains("jwks:     document").contains("key ids:  sa-key-1");
    Cli token = imprint("cluster", "token", "prod-eu");
    assertThat(token.code()).isZero();
    assertThat(token.out()).matches("imp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\\R");
    Cli viaToken = imprint("token", "create", "--role", "admission", "--cluster", "prod-eu");
    assertThat(viaToken.code()).as(viaToken.err()).isZero();
    assertThat(viaToken.out()).contains("role: admission").contains("cluster: prod-eu");
    Cli wrongRole = imprint("token", "create", "--role", "workload", "--cluster", "prod-eu");
    assertThat(wrongRole.code()).isEqualTo(2);
    assertThat(wrongRole.err()).contains("--role admission");
    assertThat(imprint("cluster", "token", "nowhere").code()).isEqualTo(3);
  }

  @Test
  void aClusterIsAddedFromAUrlTheServerFetches() throws Exception {
    HttpServer jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    byte[] body = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
    jwks.createContext("/openid/v1/jwks", ex -> {
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    jwks.start();
    try {
      String url = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/openid/v1/jwks";
      Cli add = imprint("cluster", "add", "eks", "--issuer", "https://oidc.eks.example/id/A",
          "--jwks", url);
      assertThat(add.code()).as(add.err()).isZero();
      JsonNode list = JSON.readTree(imprint("cluster", "list", "-o", "json").out());
      assertThat(list.at("/items/0/jwksUrl").asText()).isEqualTo(url);
      assertThat(imprint("cluster", "list").out()).contains("eks").contains(url);
    } finally {
      jwks.stop(0);
    }
  }

  @Test
  void serviceAccountsAreBoundAndUnbound() throws Exception {
    imprint("identity", "create", "spiffe://imprint.local/payments/api", "--kind", "workload",
        "--owner", "team-payments");
    imprint("cluster", "add", "prod-eu", "--issuer", "https://kubernetes.default.svc",
        "--jwks", jwksFile(new JWKSet(key.toPublicJWK()).toString(true)).toString());
    Cli bind = imprint("cluster", "bind", "prod-eu", "--identity",
        "spiffe://imprint.local/payments/api", "--service-account", "payments/payments-api");
    assertThat(bind.code()).as(bind.err()).isZero();
    assertThat(bind.out()).contains("bound prod-eu:payments/payments-api to"
        + " spiffe://imprint.local/payments/api");
    assertThat(imprint("cluster", "show", "prod-eu").out()).contains("payments-api");
    assertThat(imprint("cluster", "unbind", "prod-eu", "--identity",
        "spiffe://imprint.local/payments/api", "--service-account", "payments/payments-api")
        .code()).isZero();
    assertThat(imprint("cluster", "unbind", "prod-eu", "--identity",
        "spiffe://imprint.local/payments/api", "--service-account", "payments/payments-api")
        .code()).as("nothing left to remove").isEqualTo(3);
    Cli bad = imprint("cluster", "bind", "prod-eu", "--identity", "x", "--service-account",
        "payments-api");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("NAMESPACE/NAME");
  }

  @Test
  void aJwksThatCannotBeUsedIsRefusedWithItsCode() throws Exception {
    Cli privateKey = imprint("cluster", "add", "bad", "--issuer", "x", "--jwks",
        jwksFile(new JWKSet(key).toString(false)).toString());
    assertThat(privateKey.code()).isEqualTo(3);
    assertThat(privateKey.err()).contains("cluster.jwks_invalid").contains("private key");
    Cli missing = imprint("cluster", "add", "bad", "--issuer", "x", "--jwks",
        dir.resolve("missing.json").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--jwks: cannot read");
  }
}
