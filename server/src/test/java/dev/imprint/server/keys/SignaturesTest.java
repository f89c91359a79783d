package dev.imprint.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Monitors;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.crypto.CryptoServicesRegistrar;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.junit.jupiter.api.Test;

/**
 * ES256 signing and verification share nothing between threads (no lock on the curve's base
 * point, the public key's point or a process-wide random source) and still produce exactly Bouncy
 * Castle's plain deterministic signatures.
 */
class SignaturesTest {
  static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0"
      .getBytes(StandardCharsets.US_ASCII);

  static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  @Test
  void es256SignaturesAreBouncyCastlesDeterministicOnesAndVerifyOnEveryThread()
      throws Exception {
    KeyPair k = p256();
    AsymmetricKeyParameter priv = Signatures.privateParameters(k.getPrivate());
    AsymmetricKeyParameter pub = Signatures.publicParameters(k.getPublic());
    // the plain signer on the shared parameters, as the code before per-thread copies signed
    ECDSASigner plain = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    plain.init(true, priv);
    BigInteger[] rs = plain.generateSignature(Signatures.sha256(INPUT));
    byte[] expected = new byte[64];
    byte[] r = rs[0].toByteArray();
    byte[] s = rs[1].toByteArray();
    int rn = Math.min(r.length, 32);
    int sn = Math.min(s.length, 32);
    System.arraycopy(r, r.length - rn, expected, 32 - rn, rn);
    System.arraycopy(s, s.length - sn, expected, 64 - sn, sn);

    assertThat(Signatures.sign("ES256", priv, INPUT)).isEqualTo(expected);
    AtomicReference<byte[]> other = new AtomicReference<>();
    AtomicReference<Boolean> verifiedThere = new AtomicReference<>();
    Thread t = new Thread(() -> {
      other.set(Signatures.sign("ES256", priv, INPUT));
      verifiedThere.set(Signatures.verify("ES256", pub, INPUT, expected));
    });
    t.start();
    t.join();
    assertThat(other.get()).isEqualTo(expected);
    assertThat(verifiedThere.get()).isTrue();
    assertThat(Signatures.verify("ES256", pub, INPUT, expected)).isTrue();
    byte[] tampered = expected.clone();
    tampered[10] ^= 1;
    assertThat(Signatures.verify("ES256", pub, INPUT, tampered)).isFalse();
    assertThat(Signatures.verify("ES256", Signatures.publicParameters(p256().getPublic()), INPUT,
        expected)).isFalse();
  }

  @Test
  void signingDoesNotWaitForAnotherThreadHoldingTheCurvesSharedBasePoint() throws Exception {
    AsymmetricKeyParameter priv = Signatures.privateParameters(p256().getPrivate());
    Object sharedG = ((ECKeyParameters) priv).getParameters().getG();
    assertThat(Monitors.runsWhileHeld(sharedG, () -> Signatures.sign("ES256", priv, INPUT)))
        .isTrue();
  }

  @Test
  void verifyingDoesNotWaitForAnotherThreadHoldingTheSharedPoints() throws Exception {
    KeyPair k = p256();
    AsymmetricKeyParameter priv = Signatures.privateParameters(k.getPrivate());
    AsymmetricKeyParameter pub = Signatures.publicParameters(k.getPublic());
    byte[] sig = Signatures.sign("ES256", priv, INPUT);
    ECPublicKeyParameters p = (ECPublicKeyParameters) pub;
    assertThat(Monitors.runsWhileHeld(p.getParameters().getG(),
        () -> Signatures.verify("ES256", pub, INPUT, sig))).isTrue();
    assertThat(Monitors.runsWhileHeld(p.getQ(),
        () -> Signatures.verify("ES256", pub, INPUT, sig))).isTrue();
  }

  @Test
  void bouncyCastlesRandomSourceIsOneGeneratorPerThread() throws Exception {
    Signatures.sign("ES256", Signatures.privateParameters(p256().getPrivate()), INPUT);
    SecureRandom here = CryptoServicesRegistrar.getSecureRandom();
    assertThat(CryptoServicesRegistrar.getSecureRandom()).isSameAs(here);
    AtomicReference<SecureRandom> there = new AtomicReference<>();
    Thread t = new Thread(() -> there.set(CryptoServicesRegistrar.getSecureRandom()));
    t.start();
    t.join();
    assertThat(there.get()).isNotNull().isNotSameAs(here);
    assertThat(here.getAlgorithm()).isEqualTo("DRBG");
  }

  @Test
  void aThreadKeepsABoundedNumberOfKeyCopies() throws Exception {
    for (int i = 0; i < Signatures.MAX_OWN * 3; i++) {
      AsymmetricKeyParameter priv = Signatures.privateParameters(p256().getPrivate());
      ECKeyParameters own = Signatures.own((ECKeyParameters) priv);
      assertThat(own).isNotSameAs(priv);
      assertThat(Signatures.own((ECKeyParameters) priv)).isSameAs(own);
      assertThat(own.getParameters().getG()).isNotSameAs(
          ((ECKeyParameters) priv).getParameters().getG());
      assertThat(own.getParameters().getG()).isEqualTo(
          ((ECKeyParameters) priv).getParameters().getG());
    }
  }
}
