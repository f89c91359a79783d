package dev.imprint.scan.ci;

import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** How the CI rules judge a literal bound to a variable name. */
final class CiSecrets {
  /** Variables that hold long-lived cloud credentials, whatever their value looks like. */
  static final Set<String> CLOUD_KEYS = Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
      "AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET", "AZURE_CREDENTIALS", "GOOGLE_CREDENTIALS",
      "GCP_SA_KEY", "GCLOUD_SERVICE_KEY", "GOOGLE_APPLICATION_CREDENTIALS_JSON");
  private static final Pattern PLAIN_URL = Pattern.compile("(?i)^[a-z][a-z0-9+.-]*://[^@\\s]*$");

  private CiSecrets() {}

  static boolean isCloudKey(String name) {
    return CLOUD_KEYS.contains(name.toUpperCase(Locale.ROOT));
  }

  /**
   * A secret literal bound to a name: the shared heuristics, plus any real-looking literal under
   * a cloud key name (an access key id is not secret-named but is half of a key pair). URLs
   * without credentials and documented example keys are not secrets.
   */
  static Optional<SecretHit> literal(String name, String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (PLAIN_URL.matcher(v).matches() || v.contains("EXAMPLE") || v.contains("${{")) {
      return Optional.empty();
    }
    Optional<SecretHit> hit = Secrets.assignment(name, v);
    if (hit.isEmpty() && isCloudKey(name) && !Secrets.isPlaceholder(v) && v.length() >= 16) {
      hit = Optional.of(new SecretHit("cloud key", "cloud-key-literal", 0, v.length(),
          SecretEvidence.of(v)));
    }
    return hit;
  }
}
