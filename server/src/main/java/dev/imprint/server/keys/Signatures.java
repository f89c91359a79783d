package dev.imprint.server.keys;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * JWS signatures (RFC 7518 section 3) with Bouncy Castle's lightweight API: ES256 as the 64-byte
 * {@code R || S} concatenation, deterministic nonces (RFC 6979, so no shared random source on
 * the hot path), the message hashed with the JDK's SHA-256; RS256 as RSASSA-PKCS1-v1_5.
 */
public final class Signatures {
  private static final int ES256_HALF = 32;

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
    s.init(true, key);
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
    s.init(false, key);
    return s.verifySignature(sha256(input),
        new BigInteger(1, Arrays.copyOfRange(sig, 0, ES256_HALF)),
        new BigInteger(1, Arrays.copyOfRange(sig, ES256_HALF, sig.length)));
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
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
