/**
 * Secret detection for every analyzer. {@link dev.imprint.scan.secret.Secrets} holds the shared
 * heuristics typed analyzers use on name/value pairs (is this a secret name, is this value a
 * placeholder or a reference to a secret store); {@link dev.imprint.scan.secret.SecretDetectors}
 * finds provider-specific credentials and generic secret assignments in any text, behind a
 * one-pass anchor prefilter; {@link dev.imprint.scan.secret.SecretAnalyzer} runs the detectors
 * on every scanned file and reports each hit under its own IMP-SECRET rule, redacted.
 */
package dev.imprint.scan.secret;
