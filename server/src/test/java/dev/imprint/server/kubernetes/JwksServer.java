package dev.imprint.server.kubernetes;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster's JWKS endpoint on a loopback port (as kube-apiserver serves /openid/v1/jwks): it
 * serves whatever document and Cache-Control it is given and counts the requests.
 */
final class JwksServer implements AutoCloseable {
  private final HttpServer http;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String body = "{\"keys\":[]}";
  private volatile String cacheControl;
  private volatile int status = 200;

  JwksServer() {
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.createContext("/openid/v1/jwks", ex -> {
      requests.incrementAndGet();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
      if (cacheControl != null) {
        ex.getResponseHeaders().add("Cache-Control", cacheControl);
      }
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    http.start();
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/openid/v1/jwks";
  }

  JwksServer serve(String jwks, String cacheControl) {
    this.body = jwks;
    this.cacheControl = cacheControl;
    this.status = 200;
    return this;
  }

  JwksServer fail(int status) {
    this.status = status;
    return this;
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
