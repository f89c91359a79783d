package dev.imprint.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body that fails with {@link TooLarge} once it passes its route's byte limit. */
final class LimitedInput extends FilterInputStream {
  /** Thrown by a read that passes the limit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("request body over its limit", null);
    }
  }

  private final long limit;
  private long read;

  LimitedInput(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(int n) throws TooLarge {
    read += n;
    if (read > limit) {
      throw new TooLarge();
    }
  }
}
