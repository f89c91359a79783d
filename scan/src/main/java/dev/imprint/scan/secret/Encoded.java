package dev.imprint.scan.secret;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Values stored base64-encoded (Kubernetes Secret and ConfigMap {@code binaryData}, Terraform
 * {@code user_data_base64}): decoded so that the detectors read what they hide. Bounded: values
 * over 1 MiB are not decoded.
 */
public final class Encoded {
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_\\-\\s]+={0,2}\\s*");
  private static final int MAX_CHARS = 1 << 20;

  private Encoded() {}

  /** The bytes a base64 (standard or URL-safe) value encodes, or null when it is not base64. */
  public static byte[] bytes(String value) {
    if (value == null || value.length() > MAX_CHARS || value.isBlank()
        || !BASE64.matcher(value).matches()) {
      return null;
    }
    String compact = value.replaceAll("\\s+", "");
    if (compact.length() % 4 == 1) {
      return null;
    }
    try {
      return compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(compact.replace("=", ""))
          : Base64.getDecoder().decode(compact.replace("=", ""));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The text a base64 value encodes, or null when it is not base64 or does not encode UTF-8
   * text (a keystore, an image).
   */
  public static String text(String value) {
    byte[] b = bytes(value);
    return b == null ? null : text(b);
  }

  /** Bytes as UTF-8 text when they are text (no NUL, at most 5 % control characters). */
  public static String text(byte[] b) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
      long control = s.chars().filter(c -> c < 32 && c != '\n' && c != '\r' && c != '\t')
          .count();
      return s.indexOf('\0') < 0 && control * 20 <= s.length() ? s : null;
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
