package dev.imprint.server.testing;

import java.nio.charset.StandardCharsets;

/** Raw fuzzer bytes as bounded text: the server's fuzz tests share one input limit. */
public final class FuzzText {
  /** Largest input a fuzz test reads: the property is "bounded input, bounded work". */
  public static final int MAX_BYTES = 64 * 1024;

  private FuzzText() {}

  /** At most {@link #MAX_BYTES} bytes decoded as UTF-8 (malformed sequences become U+FFFD). */
  public static String of(byte[] data) {
    return new String(data, 0, Math.min(data.length, MAX_BYTES), StandardCharsets.UTF_8);
  }
}
