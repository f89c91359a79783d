/**
 * Serving the API over TLS: the operator's PEM certificate chain and private key (PKCS#8, or
 * PKCS#1 / SEC1 for RSA and EC keys) are read with Bouncy Castle into an in-memory key store,
 * checked (readable, the key matches the certificate, not expired), and handed to Jetty as an
 * HTTPS connector that speaks TLS 1.2 and 1.3 only. Nothing is written to disk.
 */
package dev.imprint.server.tls;
