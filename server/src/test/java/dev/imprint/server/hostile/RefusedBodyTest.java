package dev.imprint.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call refused before its body was read (no token on a protected route, a workload session
 * that is not valid) is answered once its small body has arrived, on a connection the client
 * may send its next call on. Before, the answer could go out while the body was still on its
 * way; the server then found it unread and closed a connection the client had already taken
 * back for its next call, which failed with no answer at all ("header parser received no
 * bytes"). Raw sockets, so that the body is sent only after the server has answered or has
 * clearly waited for it: the same request, both ways, on one keep-alive connection.
 */
class RefusedBodyTest {
  @TempDir Path dir;

  @Test
  void aProtectedRouteRefusedWithoutATokenKeepsTheConnectionForTheNextCall() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      refusedThenNextCall(s, "/v1/tokens", null, 401);
    }
  }

  @Test
  void aRenewalWithAnInvalidSessionKeepsTheConnectionForTheNextCall() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      refusedThenNextCall(s, "/v1/svid/renew", "not-a-session", 401);
    }
  }

  @Test
  void aChunkedBodyRefusedWithoutATokenKeepsTheConnectionForTheNextCall() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      refusedThenNextCall(s, "/v1/tokens", null, 401, true);
    }
  }

  @Test
  void aChunkedRenewalWithAnInvalidSessionKeepsTheConnectionForTheNextCall() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      refusedThenNextCall(s, "/v1/svid/renew", "not-a-session", 401, true);
    }
  }

  @Test
  void aBodySentToNoRouteKeepsTheConnectionForTheNextCall() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      refusedThenNextCall(s, "/v1/no-such-route", null, 404, false);
      refusedThenNextCall(s, "/v1/no-such-route", null, 404, true);
    }
  }

  private static void refusedThenNextCall(TestServer s, String path, String bearer, int status)
      throws IOException, InterruptedException {
    refusedThenNextCall(s, path, bearer, status, false);
  }

  /**
   * With {@code chunked}, the body goes as two chunks and its end, with no length declared (the
   * way a client streaming its body sends it); the server cannot tell its size in advance.
   */
  private static void refusedThenNextCall(TestServer s, String path, String bearer, int status,
      boolean chunked) throws IOException, InterruptedException {
    URI url = URI.create(s.url());
    byte[] body = "{\"role\":\"admin\",\"audience\":\"a\"}".getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), url.getPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/json\r\n"
          + (chunked
              ? "Transfer-Encoding: chunked\r\n"
              : "Content-Length: " + body.length + "\r\n")
          + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // the body follows once the server has answered or after a moment, whichever is first
      for (int i = 0; i < 20 && in.available() == 0; i++) {
        Thread.sleep(10);
      }
      if (chunked) {
        int half = body.length / 2;
        out.write((Integer.toHexString(half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, half);
        out.write(("\r\n" + Integer.toHexString(body.length - half) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body, half, body.length - half);
        out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } else {
        out.write(body);
      }
      out.flush();
      String first = readAnswer(in);
      assertThat(Hostile.status(first)).as(first).isEqualTo(status);
      assertThat(first.toLowerCase(Locale.ROOT)).as(first).doesNotContain("connection: close");

      out.write(("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String second = readAnswer(in);
      assertThat(Hostile.status(second)).as("the next call on the same connection: " + second)
          .isEqualTo(200);
    }
  }

  /** One answer with a Content-Length, read whole (empty if the connection was closed). */
  private static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      String h = head.toString(StandardCharsets.ISO_8859_1);
      if (h.endsWith("\r\n\r\n")) {
        int length = 0;
        for (String line : h.split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).strip());
          }
        }
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
