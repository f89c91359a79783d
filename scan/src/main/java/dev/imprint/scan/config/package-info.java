/**
 * Project configuration and baselines: reads {@code .imprint.yaml} into {@link
 * dev.imprint.scan.ScanSettings} plus a fail-on threshold, rejecting unknown keys, unknown rule ids
 * and bad values with the file, line and key; and writes and applies baselines, the list of
 * accepted findings (by fingerprint) that a scan should no longer report.
 */
package dev.imprint.scan.config;
