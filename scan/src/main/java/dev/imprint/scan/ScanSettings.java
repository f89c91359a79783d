package dev.imprint.scan;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scan is told by the command line and {@code .imprint.yaml}.
 *
 * @param trustedRegistries registry hosts (optionally with a path prefix) images may come from;
 *     empty means "no registry restriction configured", and registry rules stay quiet
 * @param excludes glob patterns (relative to the scan root) of paths not to scan
 * @param disabledRules rule ids never reported
 * @param severityOverrides rule id to the severity to report instead of the default
 * @param inlineIgnores whether {@code imprint:ignore} comments are honoured
 * @param maxFileBytes files larger than this are skipped with a diagnostic
 * @param threads worker threads; 0 means one per available core
 * @param fingerprintKey the key of secret fingerprints ({@link FingerprintKey#ephemeral()}
 *     unless one is configured)
 */
public record ScanSettings(
    List<String> trustedRegistries,
    List<String> excludes,
    Set<String> disabledRules,
    Map<String, Severity> severityOverrides,
    boolean inlineIgnores,
    long maxFileBytes,
    int threads,
    FingerprintKey fingerprintKey) {

  public static final long DEFAULT_MAX_FILE_BYTES = 4L * 1024 * 1024;

  public ScanSettings {
    trustedRegistries = List.copyOf(trustedRegistries);
    excludes = List.copyOf(excludes);
    disabledRules = Set.copyOf(disabledRules);
    severityOverrides = Map.copyOf(severityOverrides);
    if (maxFileBytes <= 0) {
      throw new IllegalArgumentException("maxFileBytes must be positive, got " + maxFileBytes);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
    java.util.Objects.requireNonNull(fingerprintKey, "fingerprintKey");
  }

  public static ScanSettings defaults() {
    return new ScanSettings(
        List.of(), List.of(), Set.of(), Map.of(), true, DEFAULT_MAX_FILE_BYTES, 0,
        FingerprintKey.ephemeral());
  }

  public ScanSettings withTrustedRegistries(List<String> registries) {
    return new ScanSettings(registries, excludes, disabledRules, severityOverrides,
        inlineIgnores, maxFileBytes, threads, fingerprintKey);
  }

  public ScanSettings withExcludes(List<String> globs) {
    return new ScanSettings(trustedRegistries, globs, disabledRules, severityOverrides,
        inlineIgnores, maxFileBytes, threads, fingerprintKey);
  }

  public ScanSettings withDisabledRules(Set<String> ids) {
    return new ScanSettings(trustedRegistries, excludes, ids, severityOverrides,
        inlineIgnores, maxFileBytes, threads, fingerprintKey);
  }

  public ScanSettings withSeverityOverrides(Map<String, Severity> overrides) {
    return new ScanSettings(trustedRegistries, excludes, disabledRules, overrides,
        inlineIgnores, maxFileBytes, threads, fingerprintKey);
  }

  public ScanSettings withInlineIgnores(boolean honoured) {
    return new ScanSettings(trustedRegistries, excludes, disabledRules, severityOverrides,
        honoured, maxFileBytes, threads, fingerprintKey);
  }

  public ScanSettings withMaxFileBytes(long bytes) {
    return new ScanSettings(trustedRegistries, excludes, disabledRules, severityOverrides,
        inlineIgnores, bytes, threads, fingerprintKey);
  }

  public ScanSettings withThreads(int count) {
    return new ScanSettings(trustedRegistries, excludes, disabledRules, severityOverrides,
        inlineIgnores, maxFileBytes, count, fingerprintKey);
  }

  public ScanSettings withFingerprintKey(FingerprintKey key) {
    return new ScanSettings(trustedRegistries, excludes, disabledRules, severityOverrides,
        inlineIgnores, maxFileBytes, threads, key);
  }
}
