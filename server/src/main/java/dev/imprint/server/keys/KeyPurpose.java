package dev.imprint.server.keys;

import java.util.Locale;

/**
 * What a key signs, with its algorithm: JWT-SVIDs (ES256, or RS256 for the audiences that need
 * it), X.509-SVIDs (the CA key, ECDSA P-256), or workload sessions (HMAC, never published).
 */
public enum KeyPurpose {
  /** JWT-SVIDs signed with ECDSA P-256 (the default). */
  JWT_ES256("jwt-svid", "ES256"),
  /** JWT-SVIDs signed with RSA 2048, for verifiers that refuse ECDSA (Microsoft Entra ID). */
  JWT_RS256("jwt-svid", "RS256"),
  /** The self-signed X.509 CA of the trust domain (ECDSA P-256). */
  X509_CA("x509-svid", "ES256"),
  /** Workload sessions (HMAC-SHA256); only this server verifies them, so never published. */
  SESSION("session", "HS256");

  private final String use;
  private final String algorithm;

  KeyPurpose(String use, String algorithm) {
    this.use = use;
    this.algorithm = algorithm;
  }

  /** The SPIFFE bundle {@code use} ({@code jwt-svid}, {@code x509-svid}) or {@code session}. */
  public String use() {
    return use;
  }

  /** The JOSE algorithm name. */
  public String algorithm() {
    return algorithm;
  }

  /** Whether this purpose rotates on a schedule and is published. */
  public boolean published() {
    return this != SESSION;
  }

  /** The stored name, e.g. {@code jwt_es256}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The purpose for a stored name. */
  public static KeyPurpose parse(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
