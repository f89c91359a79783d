package dev.imprint.server.svid;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random identifiers ({@code jti}s, session ids, serial numbers) from one DRBG per thread, so
 * that concurrent issuance does not queue on a shared random source.
 */
final class Ids {
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(() -> {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  });

  private Ids() {}

  /** 128 random bits, base64url without padding (22 characters). */
  static String random() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(16));
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.get().nextBytes(b);
    return b;
  }
}
