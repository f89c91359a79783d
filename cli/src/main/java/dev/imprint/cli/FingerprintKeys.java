package dev.imprint.cli;

import dev.imprint.scan.FingerprintKey;
import dev.imprint.scan.ScanSettings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Chooses the key of secret fingerprints: {@code --fingerprint-key-file}, else the environment
 * variable {@code IMPRINT_FINGERPRINT_KEY} (a CI secret), else {@code fingerprint-key-file} in
 * {@code .imprint.yaml} (already in the settings), else the process's random key.
 */
final class FingerprintKeys {
  static final String ENV = "IMPRINT_FINGERPRINT_KEY";

  private FingerprintKeys() {}

  static ScanSettings apply(ScanSettings settings, Path option)
      throws ScanCommand.UsageException {
    if (option != null) {
      try {
        return settings.withFingerprintKey(FingerprintKey.read(option));
      } catch (IOException e) {
        throw new ScanCommand.UsageException("--fingerprint-key-file: cannot read " + option
            + " (" + e.getClass().getSimpleName() + ")");
      } catch (IllegalArgumentException e) {
        throw new ScanCommand.UsageException("--fingerprint-key-file: " + option + ": "
            + e.getMessage());
      }
    }
    String env = CiEnvironment.source.apply(ENV);
    if (env != null && !env.isBlank()) {
      try {
        return settings.withFingerprintKey(FingerprintKey.of(env));
      } catch (IllegalArgumentException e) {
        throw new ScanCommand.UsageException(ENV + ": " + e.getMessage());
      }
    }
    return settings;
  }
}
