package dev.imprint.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.tls.TestCertificates.Issued;
import dev.imprint.server.tls.TestCertificates.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"RSA,PKCS8", "RSA,TRADITIONAL", "EC,PKCS8", "EC,TRADITIONAL"})
  void loadsRsaAndEcKeysInPkcs8AndTraditionalPem(String alg, KeyFormat format) throws Exception {
    Issued issued = TestCertificates.current(alg);
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), issued.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), issued.keys(), format);
    assertThat(Files.readString(key)).contains(format == KeyFormat.PKCS8
        ? "BEGIN PRIVATE KEY" : "BEGIN " + alg + " PRIVATE KEY");

    ServerCertificate loaded = ServerCertificate.load(cert, key);

    assertThat(loaded.leaf()).isEqualTo(issued.certificate());
    assertThat(loaded.keyStore().getKey(ServerCertificate.ALIAS, loaded.keyStorePassword())
        .getAlgorithm()).isEqualTo(alg);
    assertThat(loaded.keyStore().getCertificateChain(ServerCertificate.ALIAS))
        .containsExactly(issued.certificate());
    assertThat(loaded.warnings(Instant.now())).isEmpty();
    assertThat(loaded.toString()).contains("[redacted]").doesNotContain("PRIVATE");
  }

  @Test
  void keyOfAnotherCertificateIsRefused() {
    Issued issued = TestCertificates.current("EC");
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), issued.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), TestCertificates.keys("EC"),
        KeyFormat.PKCS8);

    assertThatThrownBy(() -> ServerCertificate.load(cert, key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match the certificate").hasMessageContaining("key.pem");
  }

  @Test
  void rsaKeyForAnEcCertificateIsRefused() {
    Issued issued = TestCertificates.current("EC");
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), issued.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), TestCertificates.keys("RSA"),
        KeyFormat.TRADITIONAL);

    assertThatThrownBy(() -> ServerCertificate.load(cert, key))
        .hasMessageContaining("does not match the certificate");
  }

  @Test
  void missingFilesAndNonPemContentAreNamed() throws Exception {
    Issued issued = TestCertificates.current("EC");
    Path cert = TestCertificates.writeCert(dir.resolve("cert.pem"), issued.certificate());
    Path key = TestCertificates.writeKey(dir.resolve("key.pem"), issued.keys(), KeyFormat.PKCS8);
    Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");

    assertThatThrownBy(() -> ServerCertificate.load(dir.resolve("nope.pem"), key))
        .hasMessageContaining("--tls-cert").hasMessageContaining("nope.pem")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ServerCertificate.load(cert, dir.resolve("gone.pem")))
        .hasMessageContaining("--tls-key").hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ServerCertificate.load(junk, key))
        .hasMessageContaining("expected at least one -----BEGIN CERTIFICATE-----");
    assertThatThrownBy(() -> ServerCertificate.load(cert, cert))
        .hasMessageContaining("expected a -----BEGIN PRIVATE KEY-----");
  }

  @Test
  void expiredAndNotYetValidCertificatesAreWarnedAbout() {
    Issued old = TestCertificates.selfSigned(TestCertificates.keys("EC"),
        Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1));
    ServerCertificate expired = ServerCertificate.load(
        TestCertificates.writeCert(dir.resolve("old.pem"), old.certificate()),
        TestCertificates.writeKey(dir.resolve("old.key"), old.keys(), KeyFormat.PKCS8));
    Issued future = TestCertificates.selfSigned(TestCertificates.keys("EC"),
        Instant.now().plus(Duration.ofDays(2)), Duration.ofDays(1));
    ServerCertificate early = ServerCertificate.load(
        TestCertificates.writeCert(dir.resolve("new.pem"), future.certificate()),
        TestCertificates.writeKey(dir.resolve("new.key"), future.keys(), KeyFormat.PKCS8));

    assertThat(expired.warnings(Instant.now())).singleElement().asString().contains("expired");
    assertThat(early.warnings(Instant.now())).singleElement().asString()
        .contains("not valid before");
  }
}
