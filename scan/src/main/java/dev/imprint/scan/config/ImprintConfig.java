package dev.imprint.scan.config;

import dev.imprint.scan.FingerprintKey;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The contents of an {@code .imprint.yaml}: every field is optional; {@code null} means "not
 * set", so command-line options and defaults apply.
 *
 * @param source where it was read from (for messages), or {@code null} for the empty config
 * @param excludes extra glob patterns of paths not to scan
 * @param disabledRules rule ids never reported
 * @param severityOverrides rule id to the severity to report instead of its default
 * @param trustedRegistries registries images may come from
 * @param failOn the lowest severity that fails the scan, or {@code null}
 * @param maxFileBytes the largest file scanned, or {@code null}
 * @param inlineIgnores whether {@code imprint:ignore} comments are honoured, or {@code null}
 * @param fingerprintKey the key read from {@code fingerprint-key-file}, or {@code null}
 */
public record ImprintConfig(
    String source,
    List<String> excludes,
    Set<String> disabledRules,
    Map<String, Severity> severityOverrides,
    List<String> trustedRegistries,
    Severity failOn,
    Long maxFileBytes,
    Boolean inlineIgnores,
    FingerprintKey fingerprintKey) {

  /** The file name looked up in the first scan target or the working directory. */
  public static final String FILE_NAME = ".imprint.yaml";

  public ImprintConfig {
    excludes = List.copyOf(excludes);
    disabledRules = Set.copyOf(disabledRules);
    severityOverrides = Map.copyOf(severityOverrides);
    trustedRegistries = List.copyOf(trustedRegistries);
  }

  /** No configuration at all. */
  public static ImprintConfig empty() {
    return new ImprintConfig(null, List.of(), Set.of(), Map.of(), List.of(), null, null, null,
        null);
  }

  /**
   * The implicit config file: {@code .imprint.yaml} in the first target when it is a directory,
   * else in {@code workingDir}; empty when there is none.
   */
  public static Optional<Path> locate(List<Path> targets, Path workingDir) {
    Path dir = !targets.isEmpty() && Files.isDirectory(targets.get(0)) ? targets.get(0)
        : workingDir;
    Path file = dir.resolve(FILE_NAME);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /** Reads and validates a config file. */
  public static ImprintConfig load(Path file) throws ConfigException {
    return ConfigParser.load(file);
  }

  /** Reads and validates config text; {@code source} names it in error messages. */
  public static ImprintConfig parse(String source, String text) throws ConfigException {
    return ConfigParser.parse(source, text);
  }

  /** {@code base} with this config's settings: lists are added to, scalars replace. */
  public ScanSettings applyTo(ScanSettings base) {
    List<String> allExcludes = new ArrayList<>(base.excludes());
    allExcludes.addAll(excludes);
    List<String> registries = new ArrayList<>(base.trustedRegistries());
    registries.addAll(trustedRegistries);
    Set<String> disabled = new HashSet<>(base.disabledRules());
    disabled.addAll(disabledRules);
    Map<String, Severity> overrides = new LinkedHashMap<>(base.severityOverrides());
    overrides.putAll(severityOverrides);
    ScanSettings s = base.withExcludes(allExcludes).withTrustedRegistries(registries)
        .withDisabledRules(disabled).withSeverityOverrides(overrides);
    if (maxFileBytes != null) {
      s = s.withMaxFileBytes(maxFileBytes);
    }
    if (inlineIgnores != null) {
      s = s.withInlineIgnores(inlineIgnores);
    }
    if (fingerprintKey != null) {
      s = s.withFingerprintKey(fingerprintKey);
    }
    return s;
  }
}
