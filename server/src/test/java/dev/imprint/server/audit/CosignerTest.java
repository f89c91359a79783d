package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

/** Cosignatures in the C2SP tlog-cosignature cosignature/v1 format, checked independently. */
class CosignerTest {
  private static final String ORIGIN = "example.org/imprint-audit";
  private static final CheckpointSigner LOG = new CheckpointSigner(ORIGIN, new byte[32]);
  private static final String NOTE = LOG.sign(new Checkpoint(ORIGIN, 7, new byte[32]));

  @Test
  void aCosignatureLineIsKeyIdTimestampAndSignatureOverTheSpecsMessage() throws Exception {
    Cosigner w = Cosigner.generate("witness.example/w1");
    String cosigned = w.cosign(NOTE, 1_679_315_147L);
    assertThat(cosigned).startsWith(NOTE).endsWith("\n");
    String line = cosigned.substring(NOTE.length(), cosigned.length() - 1);
    assertThat(line).startsWith("\u2014 witness.example/w1 ");
    byte[] raw = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
    assertThat(raw).hasSize(4 + 8 + 64);

    byte[] vkey = Base64.getDecoder().decode(w.verifierKey().split("\\+", 3)[2]);
    assertThat(vkey[0]).isEqualTo((byte) 0x04);
    byte[] pub = Arrays.copyOfRange(vkey, 1, 33);
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update("witness.example/w1\n".getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0x04);
    assertThat(Arrays.copyOf(raw, 4)).isEqualTo(Arrays.copyOf(d.digest(pub), 4));
    assertThat(ByteBuffer.wrap(raw, 4, 8).getLong()).isEqualTo(1_679_315_147L);

    String body = NOTE.substring(0, NOTE.indexOf("\n\n") + 1);
    byte[] message = ("cosignature/v1\ntime 1679315147\n" + body)
        .getBytes(StandardCharsets.UTF_8);
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(pub, 0));
    v.update(message, 0, message.length);
    assertThat(v.verifySignature(Arrays.copyOfRange(raw, 12, raw.length))).isTrue();

    assertThat(Cosigner.verify(w.verifierKey(), cosigned)).hasValue(1_679_315_147L);
    assertThat(LOG.verifierKey().verify(cosigned).size()).as("the log's signature still holds")
        .isEqualTo(7);
  }

  @Test
  void aCosignatureOnAnotherBodyOrByAnotherKeyDoesNotVerify() {
    Cosigner w = Cosigner.generate("witness.example/w1");
    String cosigned = w.cosign(NOTE, 100);
    String otherBody = cosigned.replace("\n7\n", "\n8\n");
    assertThat(Cosigner.verify(w.verifierKey(), otherBody)).isEmpty();
    assertThat(Cosigner.verify(Cosigner.generate("witness.example/w1").verifierKey(), cosigned))
        .isEmpty();
    assertThat(Cosigner.verify(w.verifierKey(), NOTE)).isEmpty();
  }

  @Test
  void cosigningAgainReplacesTheWitnesssEarlierLineAndKeepsOthers() {
    Cosigner a = Cosigner.generate("a.example/w");
    Cosigner b = Cosigner.generate("b.example/w");
    String both = b.cosign(a.cosign(NOTE, 100), 100);
    String again = a.cosign(both, 200);
    assertThat(again.split("\u2014 a.example/w ", -1)).hasSize(2);
    assertThat(Cosigner.verify(a.verifierKey(), again)).hasValue(200);
    assertThat(Cosigner.verify(b.verifierKey(), again)).hasValue(100);
  }

  @Test
  void thePrivateKeyRoundTripsAndIsNeverInToString() {
    Cosigner w = Cosigner.generate("witness.example/w1");
    String text = w.encodedPrivateKey();
    String prefix = "PRIVATE+KEY+witness.example/w1+";
    assertThat(text).startsWith(prefix);
    // <hex key ID>+<base64 key>: the key is everything after the ID's '+', and its base64 may
    // itself hold '+' (taking the part after the last '+' left it empty one time in 64)
    String secret = text.substring(prefix.length()).split("\\+", 2)[1];
    assertThat(secret).hasSizeGreaterThan(16);
    Cosigner back = Cosigner.parsePrivateKey(text + "\n");
    assertThat(back.verifierKey()).isEqualTo(w.verifierKey());
    assertThat(w.toString()).doesNotContain(secret).contains("redacted");
    assertThatThrownBy(() -> Cosigner.parsePrivateKey(text.replace("w1+", "w2+")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(() -> Cosigner.generate("has space"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
