package dev.imprint.server.svid;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Random identifiers ({@code jti}s, session ids, serial numbers) from one DRBG per thread, so
 * that concurrent issuance does not queue on a shared random source. Each thread draws
 * {@link #BATCH} bytes at a time and hands them out once each: a DRBG call costs about as much
 * for one id as for a few dozen (it rehashes its state after every call), and issuance takes an
 * id per request.
 */
final class Ids {
  /** Random bytes a thread draws from its DRBG at once. */
  static final int BATCH = 512;
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<Drawn> DRAWN = ThreadLocal.withInitial(Drawn::new);

  private Ids() {}

  /** 128 random bits, base64url without padding (22 characters). */
  static String random() {
    return B64URL.encodeToString(bytes(16));
  }

  static byte[] bytes(int n) {
    return DRAWN.get().take(n);
  }

  /** A thread's DRBG and the bytes it drew that are not handed out yet. */
  private static final class Drawn {
    private final SecureRandom random = drbg();
    private final byte[] bytes = new byte[BATCH];
    private int next = BATCH;

    byte[] take(int n) {
      byte[] out = new byte[n];
      if (n > BATCH) {
        random.nextBytes(out);
        return out;
      }
      if (BATCH - next < n) {
        random.nextBytes(bytes);
        next = 0;
      }
      System.arraycopy(bytes, next, out, 0, n);
      // handed out once: what was given is not kept
      Arrays.fill(bytes, next, next + n, (byte) 0);
      next += n;
      return out;
    }

    private static SecureRandom drbg() {
      try {
        return SecureRandom.getInstance("DRBG");
      } catch (java.security.NoSuchAlgorithmException e) {
        return new SecureRandom();
      }
    }
  }
}
