/**
 * The trust domain's public trust documents: the SPIFFE trust bundle, the JWKS of the
 * JWT-SVID keys and the OpenID Connect discovery document, served without authentication so
 * that software no one here wrote (a SPIFFE library, an OIDC verifier, a cloud's workload
 * identity federation) can verify what Imprint issues.
 *
 * @see <a href="https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE_Trust_Domain_and_Bundle.md">SPIFFE Trust Domain and Bundle</a>
 */
package dev.imprint.server.bundle;
