package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How the open-loop driver frames an answer: a status only when the bytes so far are exactly one
 * whole HTTP/1.1 answer, {@link AnswerFraming#INCOMPLETE} on every shorter prefix of it, {@link
 * AnswerFraming#MALFORMED} (with its reason) for what cannot be framed or goes past the answer's
 * end, whatever the reads' sizes, and never an exception. Well-formed answers are generated from
 * fixed seeds, then cut and mutated; {@link AnswerFramingFuzzTest} fuzzes the same properties.
 */
class AnswerFramingTest {
  /** The bytes as the driver reads them in one read, into a buffer of the driver's size. */
  static int frame(byte[] bytes) {
    return frame(bytes, new AnswerFraming());
  }

  private static int frame(byte[] bytes, AnswerFraming f) {
    ByteBuffer b = ByteBuffer.allocate(OpenDriver.ANSWER_MAX);
    b.put(bytes, 0, Math.min(bytes.length, b.capacity()));
    return f.complete(b);
  }

  private static int frame(String answer) {
    return frame(answer.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * The properties any bytes keep: read whole or in the reads {@code cuts} gives (each read's
   * size, in turn, repeated), they frame the same way: a status of 200-599, incomplete, or
   * malformed with a reason; fed read by read, the first result that is not incomplete is the
   * whole-read result of the bytes up to there, and framing stops there; a status is given only
   * where the bytes end exactly, so one more byte is malformed and one fewer incomplete. Returns
   * the whole-read result of {@code bytes} (at most the driver's buffer of them).
   */
  static int checkAnyBytes(byte[] bytes, int[] cuts) {
    int n = Math.min(bytes.length, OpenDriver.ANSWER_MAX);
    AnswerFraming whole = new AnswerFraming();
    int all = frame(bytes, whole);
    assertAllowed(all, whole);
    ByteBuffer b = ByteBuffer.allocate(OpenDriver.ANSWER_MAX);
    AnswerFraming f = new AnswerFraming();
    int at = 0;
    int result = AnswerFraming.INCOMPLETE;
    for (int i = 0; at < n && result == AnswerFraming.INCOMPLETE; i++) {
      int step = Math.max(1, cuts.length == 0 ? n : cuts[i % cuts.length]);
      int to = Math.min(n, at + step);
      b.put(bytes, at, to - at);
      at = to;
      result = f.complete(b);
      assertAllowed(result, f);
    }
    byte[] prefix = java.util.Arrays.copyOf(bytes, at);
    assertThat(result).as("read by read, up to %d of %d bytes", at, n).isEqualTo(frame(prefix));
    if (at < n && result >= 200) {
      assertThat(all).as("bytes past a whole answer").isEqualTo(AnswerFraming.MALFORMED);
    }
    if (all >= 200) {
      assertThat(at).as("a whole answer ends only where its bytes end").isEqualTo(n);
      if (n < OpenDriver.ANSWER_MAX) {
        byte[] more = java.util.Arrays.copyOf(bytes, n + 1);
        assertThat(frame(more)).as("one byte past the answer").isEqualTo(AnswerFraming.MALFORMED);
      }
      assertThat(frame(java.util.Arrays.copyOf(bytes, n - 1))).as("one byte short")
          .isEqualTo(AnswerFraming.INCOMPLETE);
    }
    return all;
  }

  private static void assertAllowed(int result, AnswerFraming f) {
    if (result == AnswerFraming.MALFORMED) {
      assertThat(f.problem).as("why the answer is malformed").isNotBlank();
    } else if (result != AnswerFraming.INCOMPLETE) {
      assertThat(result).as("a final status").isBetween(200, 599);
      assertThat(f.problem).isNull();
    }
  }

  /** A well-formed answer with status {@code status} from {@code r}: length or chunks. */
  private static byte[] answer(Random r, int status) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder("HTTP/1." + r.nextInt(2) + " " + status
        + (r.nextBoolean() ? " Reason " + r.nextInt(100) : r.nextBoolean() ? " " : ""))
        .append("\r\n");
    for (int h = r.nextInt(4); h > 0; h--) {
      head.append("X-").append(r.nextInt(1000)).append(':').append(r.nextBoolean() ? " " : "")
          .append(printable(r, r.nextInt(30))).append("\r\n");
    }
    byte[] body = new byte[r.nextInt(3) == 0 ? 0 : r.nextInt(3000)];
    r.nextBytes(body);
    boolean noBody = status == 204 || status == 304;
    boolean chunked = !noBody && r.nextBoolean();
    if (chunked) {
      head.append(r.nextBoolean() ? "Transfer-Encoding: chunked" : "transfer-encoding:gzip,"
          + " CHUNKED").append("\r\n");
    } else if (!noBody) {
      head.append(r.nextBoolean() ? "Content-Length: " : "content-length:\t")
          .append(body.length).append(r.nextBoolean() ? " " : "").append("\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (chunked) {
      int at = 0;
      while (at < body.length) {
        int size = Math.min(body.length - at, 1 + r.nextInt(700));
        String line = Integer.toHexString(size);
        line = (r.nextBoolean() ? line.toUpperCase(java.util.Locale.ROOT) : line)
            + (r.nextInt(4) == 0 ? ";ext=" + r.nextInt(9) : "") + "\r\n";
        out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, at, size);
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        at += size;
      }
      String end = "0\r\n" + (r.nextInt(4) == 0 ? "Trailer-" + r.nextInt(9) + ": x\r\n" : "")
          + "\r\n";
      out.writeBytes(end.getBytes(StandardCharsets.ISO_8859_1));
    } else if (!noBody) {
      out.write(body, 0, body.length);
    }
    return out.toByteArray();
  }

  private static String printable(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) (0x20 + r.nextInt(0x5f)));
    }
    return b.toString();
  }

  private static int[] cuts(Random r) {
    int[] cuts = new int[1 + r.nextInt(5)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = r.nextInt(3) == 0 ? 1 : 1 + r.nextInt(600);
    }
    return cuts;
  }

  @Test
  void aWellFormedAnswerIsWholeExactlyAtItsLastByteInAnyReads() {
    for (int seed = 0; seed < 400; seed++) {
      Random r = new Random(seed);
      int status = new int[] {200, 201, 204, 304, 403, 404, 500, 503}[r.nextInt(8)];
      byte[] a = answer(r, status);
      assertThat(checkAnyBytes(a, cuts(r))).as("seed %d: %s", seed, new String(a, 0,
          Math.min(a.length, 80), StandardCharsets.ISO_8859_1)).isEqualTo(status);
      // and byte by byte: incomplete up to the last byte
      assertThat(checkAnyBytes(a, new int[] {1})).isEqualTo(status);
    }
  }

  @Test
  void aMutatedOrCutAnswerIsFramedTheSameInAnyReadsAndNeverThrows() {
    for (int seed = 0; seed < 2000; seed++) {
      Random r = new Random(seed);
      byte[] a = answer(r, 200 + r.nextInt(400));
      for (int m = 1 + r.nextInt(3); m > 0; m--) {
        int i = r.nextInt(a.length);
        a[i] = switch (r.nextInt(4)) {
          case 0 -> (byte) r.nextInt(256);
          case 1 -> (byte) '\r';
          case 2 -> (byte) '\n';
          default -> (byte) "0123456789abcdefF;: "
              .charAt(r.nextInt(20));
        };
      }
      byte[] cut = java.util.Arrays.copyOf(a, r.nextInt(4) == 0 ? r.nextInt(a.length + 1)
          : a.length + r.nextInt(3));
      checkAnyBytes(cut, cuts(r));
    }
  }

  @Test
  void anAnswerIsCompleteOnlyWithItsWholeBody() {
    assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc"))
        .isEqualTo(AnswerFraming.INCOMPLETE);
    assertThat(frame("HTTP/1.1 200 OK\r\ncontent-length:5\r\n\r\nabcde")).isEqualTo(200);
    assertThat(frame("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n")).isEqualTo(304);
    String chunked = "HTTP/1.1 503 Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3\r\nabc\r\na;x=1\r\n0123456789\r\n";
    assertThat(frame(chunked)).isEqualTo(AnswerFraming.INCOMPLETE);
    assertThat(frame(chunked + "0\r\n")).isEqualTo(AnswerFraming.INCOMPLETE);
    assertThat(frame(chunked + "0\r\n\r\n")).isEqualTo(503);
    assertThat(frame(chunked + "0\r\nX-Trailer: 1\r\n")).isEqualTo(AnswerFraming.INCOMPLETE);
    assertThat(frame(chunked + "0\r\nX-Trailer: 1\r\n\r\n")).isEqualTo(503);
  }

  /** {@code answer}'s framing is malformed, for a reason containing {@code why}. */
  private static void malformed(String answer, String why) {
    AnswerFraming f = new AnswerFraming();
    assertThat(frame(answer.getBytes(StandardCharsets.ISO_8859_1), f)).as(answer)
        .isEqualTo(AnswerFraming.MALFORMED);
    assertThat(f.problem).contains(why);
  }

  @Test
  void whatCannotBeFramedIsMalformedWithItsReasonNeverAnAnswerNorAnException() {
    malformed("HTTP/1.1 200 OK\r\nX: y\r\n\r\nabc", "neither Content-Length nor a chunked body");
    malformed("SSH-2.0-OpenSSH_9\r\n", "not an HTTP/1.x answer");
    malformed("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", "not an HTTP/1.x status line");
    malformed("HTTP/1.1 100 Continue\r\n\r\n", "interim");
    malformed("HTTP/1.1 700 Odd\r\nContent-Length: 0\r\n\r\n", "out of 100-599");
    // bytes past the answer's end: the old framing counted this as a whole 200
    malformed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n",
        "past the answer's end");
    malformed("HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nabcde", "not a number");
    malformed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
        "two different Content-Lengths");
    malformed("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n", "larger than");
    malformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc", "other than chunked");
    // a chunk size that overflowed an int made the old framing index before the buffer
    malformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\nab",
        "larger than");
    malformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "hexadecimal");
    malformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n",
        "not followed by CRLF");
    // a head that never ends fills the driver's buffer
    malformed("HTTP/1.1 200 OK\r\nX: " + "y".repeat(OpenDriver.ANSWER_MAX), "larger than");
  }
}
