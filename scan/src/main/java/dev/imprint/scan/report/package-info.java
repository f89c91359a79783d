/**
 * Report writers: turn a {@link dev.imprint.scan.ScanReport} into text for people, or JSON,
 * SARIF 2.1.0, JUnit XML and GitLab SAST for machines. Every format is deterministic for a given
 * report and clock, and no format ever contains a raw secret value: secrets appear only as their
 * redacted form and fingerprint.
 */
package dev.imprint.scan.report;
