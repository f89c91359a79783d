package dev.imprint.server.http;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Writes a response's bytes ({@code ctx.json}, {@code ctx.result} of text or bytes) to the client
 * in one write, with its Content-Length when it is too small to be compressed. Javalin would copy
 * them through a buffer it allocates afresh for every response (32 KiB by default: the largest
 * allocation of the HTTP path), so the request's last {@code after} handler writes them itself
 * and leaves Javalin an empty result. A response with an ETag is left to Javalin, which answers
 * a matching {@code If-None-Match} with 304; compression stays Javalin's, decided on the write
 * of a response large enough to be compressed.
 */
final class ResponseBody {
  /**
   * The size of the buffer Javalin still allocates for each response's copy, which only ever
   * sees an empty stream here (a route that streams a result of its own would be copied through
   * it in pieces of this size).
   */
  static final int COPY_BUFFER_BYTES = 512;

  /** What Javalin copies once the body is written: nothing, and closing it is harmless. */
  private static final InputStream WRITTEN = new InputStream() {
    @Override
    public int read() {
      return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return -1;
    }
  };

  private final int minSizeForCompression;

  /** {@code minSizeForCompression}: the size from which Javalin may compress a response. */
  ResponseBody(int minSizeForCompression) {
    this.minSizeForCompression = minSizeForCompression;
  }

  /** Writes {@code ctx}'s result, if it is bytes in memory, and leaves an empty one in its place. */
  void write(Context ctx) throws IOException {
    if (!(ctx.resultInputStream() instanceof ByteArrayInputStream bytes)) {
      return;
    }
    HttpServletResponse res = ctx.res();
    if (res.isCommitted() || res.containsHeader("ETag")) {
      return;
    }
    int length = bytes.available();
    ctx.result(WRITTEN);
    if (length < minSizeForCompression) {
      // too small to be compressed, so straight to the servlet's stream: Javalin's stream would
      // first decide whether to compress, searching the content type, case-insensitively and
      // character by character, for each media type it never compresses, on every response
      res.setContentLength(length);
      bytes.transferTo(res.getOutputStream());
    } else {
      bytes.transferTo(ctx.outputStream());
    }
  }
}
