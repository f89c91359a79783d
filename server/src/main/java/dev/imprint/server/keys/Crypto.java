package dev.imprint.server.keys;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The Bouncy Castle provider instance Imprint signs and verifies with (about seven times the
 * JDK 17 provider's ECDSA rate here; see STACK.md). It is passed explicitly and never installed
 * as a JVM-wide provider, so nothing else in the process changes behaviour.
 */
public final class Crypto {
  /** The provider; thread-safe. */
  public static final Provider BC = new BouncyCastleProvider();

  private Crypto() {}
}
