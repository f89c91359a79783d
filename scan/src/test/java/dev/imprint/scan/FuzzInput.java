package dev.imprint.scan;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Turns raw fuzzer bytes into bounded text, so every fuzz test has the same input limits. */
public final class FuzzInput {
  /** Largest input a fuzz test accepts: the property is "bounded input, bounded work". */
  public static final int MAX_BYTES = 64 * 1024;

  private FuzzInput() {}

  /** Decodes at most {@link #MAX_BYTES} bytes as UTF-8, replacing malformed sequences. */
  public static String text(byte[] data) {
    int n = Math.min(data.length, MAX_BYTES);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(data, 0, n)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new AssertionError("REPLACE never throws", e);
    }
  }
}
