package dev.imprint.bench.load;

import java.nio.ByteBuffer;

/**
 * Where one HTTP/1.1 answer read into a buffer ends, for {@link OpenDriver}: the status line,
 * then {@code Content-Length} or a chunked body, parsed only as far as counting and timing the
 * answer needs. {@link #complete} is called after every read with the bytes so far and says
 * whether they are one whole answer (its status), not yet ({@link #INCOMPLETE}) or not an answer
 * the driver can frame ({@link #MALFORMED}, {@link #problem} says why): a status line that is not
 * HTTP/1.x's, an interim 1xx answer, a length that is not a number or does not fit the buffer, a
 * chunk not ending in CRLF, neither length nor chunks, or bytes past the answer's end (the driver
 * never pipelines, so they are bytes nobody asked for). A status is given only when the bytes end
 * exactly where the answer ends, so a broken answer is never counted as one; nothing here throws.
 * One instance per connection, reset per request; the search for the head's end resumes where
 * the last call left it. Only the error path allocates (the problem's text).
 */
final class AnswerFraming {
  /** More bytes are needed. */
  static final int INCOMPLETE = -1;
  /** The bytes cannot be framed as one HTTP/1.1 answer: {@link #problem} says why. */
  static final int MALFORMED = -2;

  /** Where the answer's head ends (past its blank line), or -1 while unknown. */
  private int headEnd = -1;
  /** How far the search for the head's end got. */
  private int scanned;
  /** Why the last {@link #complete} gave {@link #MALFORMED}; null otherwise. */
  String problem;

  /** Forgets the last answer, before the next request's. */
  void reset() {
    headEnd = -1;
    scanned = 0;
    problem = null;
  }

  /**
   * The status of the answer in {@code in} (from 0 to its position) once it is whole; {@link
   * #INCOMPLETE} while more is to come (and the buffer has room for it); {@link #MALFORMED}
   * when it is not one HTTP/1.1 answer the driver can frame.
   */
  int complete(ByteBuffer in) {
    int limit = in.position();
    if (headEnd < 0) {
      for (int i = Math.max(0, scanned - 3); i + 3 < limit; i++) {
        if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r'
            && in.get(i + 3) == '\n') {
          headEnd = i + 4;
          break;
        }
      }
      scanned = limit;
      if (headEnd < 0) {
        return limit < 5 || startsWith(in, 0, limit, "HTTP/") ? more(in, limit)
            : malformed(in, limit, "not an HTTP/1.x answer");
      }
    }
    int status = head(in, limit);
    return status < 0 ? status : body(in, status, limit);
  }

  /** The answer's status from its head, or {@link #MALFORMED}. */
  private int head(ByteBuffer in, int limit) {
    // "HTTP/1.x NNN" then a space or the line's end
    if (headEnd < 16 || !startsWith(in, 0, limit, "HTTP/1.") || !digit(in.get(7))
        || in.get(8) != ' ' || !digit(in.get(9)) || !digit(in.get(10)) || !digit(in.get(11))
        || in.get(12) != ' ' && in.get(12) != '\r') {
      return malformed(in, limit, "not an HTTP/1.x status line");
    }
    int status = (in.get(9) - '0') * 100 + (in.get(10) - '0') * 10 + (in.get(11) - '0');
    if (status < 100 || status > 599) {
      return malformed(in, limit, "a status out of 100-599");
    }
    if (status < 200) {
      return malformed(in, limit, "an interim (1xx) answer, which the driver never asks for");
    }
    return status;
  }

  /** {@code status} once the body after the head is whole, or why not. */
  private int body(ByteBuffer in, int status, int limit) {
    long length = -1;
    int coding = 0; // 0: none, 1: chunked, 2: another transfer coding
    int line = lineEnd(in, 0, headEnd) + 2;
    while (line < headEnd - 2) {
      int eol = lineEnd(in, line, headEnd);
      if (startsWithIgnoreCase(in, line, eol, "content-length:")) {
        long n = number(in, line + 15, eol, 10);
        if (n < 0 || length >= 0 && n != length) {
          return malformed(in, limit, n < 0 ? "a Content-Length that is not a number"
              : "two different Content-Lengths");
        }
        length = n;
      } else if (startsWithIgnoreCase(in, line, eol, "transfer-encoding:")) {
        coding = containsIgnoreCase(in, line + 18, eol, "chunked") ? 1 : 2;
      }
      line = eol + 2;
    }
    int end;
    if (status == 204 || status == 304) {
      end = headEnd;
    } else if (coding == 1) {
      end = chunkedEnd(in, limit);
      if (end < 0) {
        return end == INCOMPLETE ? more(in, limit) : MALFORMED;
      }
    } else if (coding == 2) {
      return malformed(in, limit, "a transfer coding other than chunked");
    } else if (length < 0) {
      return malformed(in, limit, "neither Content-Length nor a chunked body");
    } else if (length > in.capacity() - headEnd) {
      return malformed(in, limit, "a body larger than the driver's " + in.capacity()
          + "-byte buffer");
    } else {
      end = headEnd + (int) length;
    }
    if (limit < end) {
      return more(in, limit);
    }
    return limit == end ? status : malformed(in, limit, (limit - end) + " bytes past the"
        + " answer's end, which nobody asked for");
  }

  /**
   * Where the chunked body after the head ends (past its last chunk and trailers), {@link
   * #INCOMPLETE} if it has not by {@code limit}, {@link #MALFORMED} if it is not chunks.
   */
  private int chunkedEnd(ByteBuffer in, int limit) {
    int i = headEnd;
    while (true) {
      int eol = lineEnd(in, i, limit);
      if (eol >= limit) {
        return INCOMPLETE;
      }
      int sizeEnd = i;
      while (sizeEnd < eol && hex(in.get(sizeEnd)) >= 0) {
        sizeEnd++;
      }
      if (sizeEnd == i || sizeEnd < eol && in.get(sizeEnd) != ';' && in.get(sizeEnd) != ' '
          && in.get(sizeEnd) != '\t') {
        return malformed(in, limit, "a chunk size that is not a hexadecimal number");
      }
      if (sizeEnd - i > 7) {
        return malformed(in, limit, "a chunk larger than the driver's " + in.capacity()
            + "-byte buffer");
      }
      long size = number(in, i, sizeEnd, 16);
      if (size == 0) {
        // the last chunk, then trailer lines up to a blank one
        int t = eol + 2;
        while (true) {
          int e = lineEnd(in, t, limit);
          if (e >= limit) {
            return INCOMPLETE;
          }
          if (e == t) {
            return e + 2;
          }
          t = e + 2;
        }
      }
      long next = eol + 2 + size + 2;
      if (next > in.capacity()) {
        return malformed(in, limit, "a chunk larger than the driver's " + in.capacity()
            + "-byte buffer");
      }
      if (next > limit) {
        return INCOMPLETE;
      }
      if (in.get((int) next - 2) != '\r' || in.get((int) next - 1) != '\n') {
        return malformed(in, limit, "a chunk not followed by CRLF");
      }
      i = (int) next;
    }
  }

  /** {@link #INCOMPLETE}, or {@link #MALFORMED} when the buffer has no room for more. */
  private int more(ByteBuffer in, int limit) {
    return limit < in.capacity() ? INCOMPLETE : malformed(in, limit, "an answer larger than the"
        + " driver's " + in.capacity() + "-byte buffer");
  }

  private int malformed(ByteBuffer in, int limit, String why) {
    problem = why + ": " + excerpt(in, Math.min(limit, 60));
    return MALFORMED;
  }

  /** Where the line from {@code from} ends (its CR), {@code limit} if it does not by then. */
  private static int lineEnd(ByteBuffer in, int from, int limit) {
    for (int i = from; i + 1 < limit; i++) {
      if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
        return i;
      }
    }
    return limit;
  }

  /**
   * The number in {@code in[from, to)} between optional blanks, -1 if that is not all digits of
   * {@code radix} or longer than 9 digits.
   */
  private static long number(ByteBuffer in, int from, int to, int radix) {
    while (from < to && blank(in.get(from))) {
      from++;
    }
    while (to > from && blank(in.get(to - 1))) {
      to--;
    }
    if (to == from || to - from > 9) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      int d = radix == 16 ? hex(in.get(i)) : digit(in.get(i)) ? in.get(i) - '0' : -1;
      if (d < 0) {
        return -1;
      }
      n = n * radix + d;
    }
    return n;
  }

  private static boolean blank(byte b) {
    return b == ' ' || b == '\t';
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static int hex(byte b) {
    return digit(b) ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F'
        ? b - 'A' + 10 : -1;
  }

  private static boolean startsWith(ByteBuffer in, int from, int to, String s) {
    if (to - from < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (in.get(from + i) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithIgnoreCase(ByteBuffer in, int from, int to, String s) {
    if (to - from < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      int b = in.get(from + i);
      if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsIgnoreCase(ByteBuffer in, int from, int to, String s) {
    for (int i = from; i + s.length() <= to; i++) {
      if (startsWithIgnoreCase(in, i, to, s)) {
        return true;
      }
    }
    return false;
  }

  /** The first {@code to} bytes as printable text: CR and LF as {@code \r \n}, others as '.'. */
  static String excerpt(ByteBuffer in, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < to; i++) {
      int c = in.get(i) & 0xff;
      b.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c >= 0x20 && c < 0x7f ? (char) c : '.');
    }
    return b.toString();
  }
}
