package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AWS access key id with a 40-character secret access key near it (within a few lines):
 * together they are a working long-lived credential, reported on the secret.
 */
final class AwsPairDetector implements SecretDetectors.Detector {
  private static final Pattern KEY_ID = Pattern.compile(
      "(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Z0-9])");
  private static final Pattern SECRET = Pattern.compile(
      "(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])");
  private static final int WINDOW = 400;

  @Override
  public String id() {
    return "aws-key-pair";
  }

  @Override
  public List<String> anchors() {
    return List.of("AKIA", "ASIA", "ABIA", "ACCA");
  }

  @Override
  public void find(String lowerName, String text, Consumer<SecretHit> out) {
    Matcher id = KEY_ID.matcher(text);
    int searchedUpTo = 0;
    while (id.find()) {
      if (Secrets.isTestMarker(id.group())) {
        continue;
      }
      int from = Math.max(searchedUpTo, Math.max(0, id.start() - WINDOW));
      int to = Math.min(text.length(), id.end() + WINDOW);
      Matcher s = SECRET.matcher(text).region(from, to);
      s.useTransparentBounds(true);
      while (s.find()) {
        String v = s.group(1);
        if (plausibleSecret(v) && !Secrets.isTestMarker(v)) {
          out.accept(new SecretHit("AWS access key pair", id(), s.start(1), s.end(1),
              SecretEvidence.ofFormat(v)));
          searchedUpTo = s.end();
        }
      }
    }
  }

  /** Mixed case and digits, high entropy, not a hex digest or a path. */
  static boolean plausibleSecret(String v) {
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
    }
    return upper && lower && digit && Secrets.entropy(v) >= 4.0
        && !v.matches("[0-9a-fA-F]{40}") && v.chars().filter(c -> c == '/').count() < 4;
  }
}
