package dev.imprint.server.keys;

import dev.imprint.server.digest.Sha256;
import java.io.IOException;
import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.CryptoServicesRegistrar;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.ECCurve;

/**
 * JWS signatures (RFC 7518 section 3) with Bouncy Castle's lightweight API: ES256 as the 64-byte
 * {@code R || S} concatenation, deterministic nonces (RFC 6979, so no shared random source on
 * the hot path), the message hashed with the JDK's SHA-256; RS256 as RSASSA-PKCS1-v1_5.
 *
 * <p>Nothing on the ES256 path is shared between threads. Bouncy Castle keeps a point's
 * precomputed multiples on the point and locks it (and the table) on every multiplication, so all
 * signers of one curve would queue on its one base point; each thread therefore signs and
 * verifies with its own copy of the key's domain parameters ({@link #own}). And Bouncy Castle
 * blinds every point normalisation with a random field element from {@link
 * CryptoServicesRegistrar#getSecureRandom()}, by default the JDK's {@code NativePRNG}, whose
 * mixing generator is one lock for the whole process: unless the process chose its own source,
 * this class installs one DRBG per thread ({@link #PER_THREAD_RANDOM}). Under load (64 issuing
 * threads on 2 cores) both locks were held by preempted threads for tens of milliseconds.
 */
public final class Signatures {
  private static final int ES256_HALF = 32;
  /** Key parameters a thread keeps a copy of at most; past it the copies are dropped. */
  static final int MAX_OWN = 8;
  /** Per thread, its own copy of each EC key's parameters (by identity of the shared ones). */
  private static final ThreadLocal<Map<ECKeyParameters, ECKeyParameters>> OWN =
      ThreadLocal.withInitial(IdentityHashMap::new);
  /** One DRBG per thread: Bouncy Castle's randomness source when the process names none. */
  static final ThreadLocal<SecureRandom> PER_THREAD_RANDOM = ThreadLocal.withInitial(() -> {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  });

  static {
    if (!CryptoServicesRegistrar.isSecureRandomSpecified()) {
      CryptoServicesRegistrar.setSecureRandomProvider(PER_THREAD_RANDOM::get);
    }
  }

  private Signatures() {}

  /** Bouncy Castle's parameters for a private key (convert once, sign many times). */
  public static AsymmetricKeyParameter privateParameters(PrivateKey key) {
    try {
      return PrivateKeyFactory.createKey(key.getEncoded());
    } catch (IOException e) {
      throw new IllegalArgumentException("unsupported private key " + key.getAlgorithm(), e);
    }
  }

  /** Bouncy Castle's parameters for a public key. */
  public static AsymmetricKeyParameter publicParameters(PublicKey key) {
    try {
      return PublicKeyFactory.createKey(key.getEncoded());
    } catch (IOException e) {
      throw new IllegalArgumentException("unsupported public key " + key.getAlgorithm(), e);
    }
  }

  /** Signs {@code input} with {@code alg} (ES256 or RS256). */
  public static byte[] sign(String alg, AsymmetricKeyParameter key, byte[] input) {
    return switch (alg) {
      case "ES256" -> es256(key, input);
      case "RS256" -> rs256(key, input);
      default -> throw new IllegalArgumentException("unsupported JWS algorithm " + alg);
    };
  }

  /** Whether {@code signature} is {@code alg}'s signature of {@code input} under {@code key}. */
  public static boolean verify(String alg, AsymmetricKeyParameter key, byte[] input,
      byte[] signature) {
    return switch (alg) {
      case "ES256" -> key instanceof ECPublicKeyParameters && verifyEs256(key, input, signature);
      case "RS256" -> key instanceof RSAKeyParameters r && !r.isPrivate()
          && verifyRs256(key, input, signature);
      default -> false;
    };
  }

  private static byte[] es256(AsymmetricKeyParameter key, byte[] input) {
    ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    s.init(true, key instanceof ECKeyParameters ec ? own(ec) : key);
    BigInteger[] rs = s.generateSignature(sha256(input));
    byte[] out = new byte[2 * ES256_HALF];
    put(rs[0], out, 0);
    put(rs[1], out, ES256_HALF);
    return out;
  }

  private static boolean verifyEs256(AsymmetricKeyParameter key, byte[] input, byte[] sig) {
    if (sig.length != 2 * ES256_HALF) {
      return false;
    }
    ECDSASigner s = new ECDSASigner();
    s.init(false, own((ECKeyParameters) key));
    return s.verifySignature(sha256(input),
        new BigInteger(1, Arrays.copyOfRange(sig, 0, ES256_HALF)),
        new BigInteger(1, Arrays.copyOfRange(sig, ES256_HALF, sig.length)));
  }

  /**
   * The calling thread's copy of {@code key}: the same key on the same curve, with a base point
   * (and, for a public key, a point) of its own, so that the precomputed multiples Bouncy Castle
   * keeps on those points, and the locks that guard them, are this thread's alone.
   */
  static ECKeyParameters own(ECKeyParameters key) {
    Map<ECKeyParameters, ECKeyParameters> mine = OWN.get();
    ECKeyParameters copy = mine.get(key);
    if (copy == null) {
      if (mine.size() >= MAX_OWN) {
        mine.clear();
      }
      copy = copyOf(key);
      mine.put(key, copy);
    }
    return copy;
  }

  private static ECKeyParameters copyOf(ECKeyParameters key) {
    ECDomainParameters d = key.getParameters();
    ECCurve curve = d.getCurve();
    ECDomainParameters own = new ECDomainParameters(curve,
        curve.decodePoint(d.getG().getEncoded(false)), d.getN(), d.getH(), d.getSeed());
    if (key instanceof ECPrivateKeyParameters p) {
      return new ECPrivateKeyParameters(p.getD(), own);
    }
    return new ECPublicKeyParameters(curve.decodePoint(
        ((ECPublicKeyParameters) key).getQ().getEncoded(false)), own);
  }

  private static byte[] rs256(AsymmetricKeyParameter key, byte[] input) {
    RSADigestSigner s = new RSADigestSigner(new SHA256Digest());
    s.init(true, key);
    s.update(input, 0, input.length);
    try {
      return s.generateSignature();
    } catch (CryptoException e) {
      throw new IllegalStateException("RS256 signing failed", e);
    }
  }

  private static boolean verifyRs256(AsymmetricKeyParameter key, byte[] input, byte[] sig) {
    RSADigestSigner s = new RSADigestSigner(new SHA256Digest());
    s.init(false, key);
    s.update(input, 0, input.length);
    return s.verifySignature(sig);
  }

  private static void put(BigInteger v, byte[] out, int off) {
    byte[] b = v.toByteArray();
    int n = Math.min(b.length, ES256_HALF);
    System.arraycopy(b, b.length - n, out, off + ES256_HALF - n, n);
  }

  static byte[] sha256(byte[] input) {
    return Sha256.of(input);
  }
}
