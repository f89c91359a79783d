package dev.imprint.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A client that sends what well-behaved clients do not: raw bytes, odd types, raw sockets. */
final class Hostile {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(60)).build();

  private Hostile() {}

  /** A request with exactly these body bytes and Content-Type (null: none). */
  static HttpResponse<String> send(String url, String method, String path, String token,
      String contentType, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A JSON request whose body is {@code json} in UTF-8. */
  static HttpResponse<String> json(String url, String method, String path, String token,
      String json) {
    return send(url, method, path, token, "application/json",
        json.getBytes(StandardCharsets.UTF_8));
  }

  /** The problem document of {@code res}, after checking it is one with {@code status}. */
  static JsonNode problem(HttpResponse<String> res, int status) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type")).as(res.body())
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    try {
      JsonNode p = JSON.readTree(res.body());
      assertThat(p.path("status").asInt()).isEqualTo(status);
      assertThat(p.path("code").asText()).isNotEmpty();
      assertThat(p.path("detail").asText()).isNotEmpty().doesNotContain("\tat ");
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The code of the problem {@code res} holds with {@code status}. */
  static String code(HttpResponse<String> res, int status) {
    return problem(res, status).path("code").asText();
  }

  /**
   * Writes {@code request} as it is to a new connection to {@code url}'s port and returns
   * everything the server answers until it closes the connection or {@code timeout} passes.
   */
  static String raw(String url, byte[] request, Duration timeout) {
    URI u = URI.create(url);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 5_000);
      s.setSoTimeout((int) timeout.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          got.write(buf, 0, n);
          if (complete(got.toString(StandardCharsets.ISO_8859_1))) {
            break;
          }
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
        // what arrived until then is the answer
      }
      return got.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True once {@code s} holds a whole response with a Content-Length body. */
  static boolean complete(String s) {
    int end = s.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)")
        .matcher(s.substring(0, end));
    return m.find() && s.length() - end - 4 >= Integer.parseInt(m.group(1));
  }

  /** The status code of a raw HTTP/1.1 response, or -1 when there is none. */
  static int status(String raw) {
    return raw.startsWith("HTTP/1.1 ") && raw.length() >= 12
        ? Integer.parseInt(raw.substring(9, 12)) : -1;
  }

  /** The body of a raw HTTP/1.1 response (after the blank line). */
  static String body(String raw) {
    int end = raw.indexOf("\r\n\r\n");
    return end < 0 ? "" : raw.substring(end + 4);
  }

  /** The value of header {@code name} in a raw response, or null. */
  static String header(String raw, String name) {
    int end = raw.indexOf("\r\n\r\n");
    for (String line : raw.substring(0, end < 0 ? raw.length() : end).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }
}
