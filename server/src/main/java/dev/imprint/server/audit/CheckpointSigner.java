package dev.imprint.server.audit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs checkpoints as C2SP signed notes with the server's Ed25519 key (Bouncy Castle). The
 * private key never leaves this object; {@link #toString()} is redacted.
 */
final class CheckpointSigner {
  private final Ed25519PrivateKeyParameters key;
  private final VerifierKey verifier;

  CheckpointSigner(String keyName, byte[] seed) {
    this.key = new Ed25519PrivateKeyParameters(seed, 0);
    this.verifier = new VerifierKey(keyName, key.generatePublicKey().getEncoded());
  }

  VerifierKey verifierKey() {
    return verifier;
  }

  /** The note: body, blank line, {@code — <name> <base64(key hash || signature)>}. */
  String sign(Checkpoint checkpoint) {
    return signText(checkpoint.body());
  }

  /** Signs any note text (ending in a newline). */
  String signText(String body) {
    byte[] message = body.getBytes(StandardCharsets.UTF_8);
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(message, 0, message.length);
    byte[] sig = s.generateSignature();
    byte[] raw = new byte[4 + sig.length];
    System.arraycopy(verifier.keyHash(), 0, raw, 0, 4);
    System.arraycopy(sig, 0, raw, 4, sig.length);
    return body + "\n" + VerifierKey.DASH + verifier.name() + " "
        + Base64.getEncoder().encodeToString(raw) + "\n";
  }

  @Override
  public String toString() {
    return "CheckpointSigner[" + verifier.name() + ", private key redacted]";
  }
}
