package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Shared secret heuristics for every analyzer: does a name look like it holds a secret, is a
 * value a placeholder or reference rather than a literal, and does a name/value pair bind a
 * real secret. Typed analyzers (Dockerfile ENV, Kubernetes env, Terraform attributes, ...) call
 * these so that every file kind judges secrets the same way.
 */
public final class Secrets {
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(passw(or)?d|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
          + "|private[_-]?key|credential|auth[_-]?key|client[_-]?secret|(^|[_-])pass$"
          + "|(^|[_-])pass[_-]|conn(ection)?[_-]?str(ing)?|signing[_-]?key|encryption[_-]?key"
          + "|master[_-]?key|session[_-]?key|webhook[_-]?url|dsn$).*");
  private static final Pattern NOT_SECRET_NAME = Pattern.compile(
      "(?i).*(_file|_path|_dir|_url_path|_length|_len|_ttl|_expiry|_expires|_timeout|_id$"
          + "|_name$|_user(name)?$|_policy|_header|_type$|_enabled$|_count$|_arn$|_ref$"
          + "|_secret_name$|_key_id$|token_endpoint|_uri$|_version$).*");
  private static final Pattern PLACEHOLDER = Pattern.compile(
      "(?i)(^$|^\\$\\{.*}$|^\\$[A-Za-z_][A-Za-z0-9_]*$|^\\$\\(.*\\)$|^\\{\\{.*}}$|^<.*>$"
          + "|^%\\(.*\\)s?$|^#\\{.*}$|^@.*@$|^\\(\\(.*\\)\\)$"
          + "|^(var|local|data|module|each|self)\\..*|^(x+|\\*+|\\.+|-+|_+|0+)$"
          + "|^(changeme|change[_-]?me|replace[_-]?me|your[_-].*|my[_-]?(password|secret|token)"
          + "|example|dummy|test|testing|fake|placeholder|redacted|secret|password|passwd|token"
          + "|none|null|nil|undefined|todo|tbd|xxx.*|\\*\\*\\*.*|true|false|yes|no)$"
          + "|^arn:aws:(secretsmanager|ssm|kms):.*|^(vault|secretsmanager|ssm|sm|op|awskms"
          + "|gcpkms|azurekeyvault)://.*|^ref\\+.*|^secretref:.*)");

  /** Code and template references that read a secret instead of holding one. */
  private static final Pattern REFERENCE = Pattern.compile(
      "(?s)(?i)(^os\\.environ.*|^os\\.getenv.*|^process\\.env\\..*|^env\\[.*|^env\\..*"
          + "|^system\\.getenv.*|^getenv\\(.*|^[a-z_][a-z0-9_.]{0,80}\\(.*\\)[;,]?$"
          + "|^vault:.*|^secretkeyref.*|^valuefrom.*|^!vault.*|^arn:aws:secretsmanager:.*"
          + "|^arn:aws:ssm:.*|^projects/[^/]+/secrets/.*|^https://[a-z0-9-]+\\.vault\\.azure"
          + "\\.net/.*|^%env\\(.*|^\\$env:.*|^\\$[a-z_][a-z0-9_]*([./:-].*)?|^@\\{.*)");
  /** Values that are shaped like hashes, identifiers or paths rather than secrets. */
  private static final Pattern NOT_A_SECRET_VALUE = Pattern.compile(
      "(?i)(sha(1|256|384|512):[0-9a-f]{16,}|[0-9a-f]{40}|[0-9a-f]{64}"
          + "|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
          + "|(\\.{0,2}/|~/|[a-z]:\\\\).*|[a-z][a-z0-9+.-]*://[^:@]*|.*\\.(pem|key|json|txt|yaml"
          + "|yml|crt|cer|p12|pfx|jks|env|conf|cfg|ini|properties|o|c|h|exe|py|js|ts|java|go"
          + "|rb|sh|so|dll|jar|class)|[a-z]+(-[a-z]+)+"
          + "|.*\\s.*)");
  private static final Pattern IDENTIFIER_PATH = Pattern.compile(
      "[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+|[a-z_]+|[A-Z_]+|[A-Za-z]+");

  /** Unquoted values with these characters are code (calls, subscripts, markup), not data. */
  private static final Pattern CODE_CHARS = Pattern.compile("[()\\[\\]<>\\\\]");
  private static final Pattern NO_DIGIT_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z_$]*");

  private Secrets() {}

  /** Whether a variable, key or attribute name suggests it holds a secret. */
  public static boolean isSecretName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    return SECRET_NAME.matcher(name).matches() && !NOT_SECRET_NAME.matcher(name).matches();
  }

  /** Whether a value is a placeholder, a variable reference or a reference to a secret store. */
  public static boolean isPlaceholder(String value) {
    if (value == null) {
      return true;
    }
    String v = stripQuotes(value.trim());
    return PLACEHOLDER.matcher(v).matches() || v.contains("${") || v.startsWith("$(")
        || v.contains("{{") || v.contains("...") || v.contains("\u2026")
        || REFERENCE.matcher(v).matches();
  }

  /**
   * Whether a value carries an explicit test marker ({@code EXAMPLE}, {@code dummy},
   * {@code fake}, {@code sample}, {@code test-only}): documented example keys and fixtures.
   */
  public static boolean isTestMarker(String value) {
    String l = value.toLowerCase(Locale.ROOT);
    return l.contains("example") || l.contains("dummy") || l.contains("fake")
        || l.contains("sample") || l.contains("test-only") || l.contains("test_only")
        || l.contains("placeholder") || l.contains("redacted");
  }

  /**
   * Whether a literal found in free text next to a secret-looking name looks generated enough
   * to report: long enough, mixed character classes, high entropy, not a reference, path,
   * URL, digest or identifier.
   */
  private static final java.util.regex.Pattern SHELL_EXPANSION =
      java.util.regex.Pattern.compile("\\$(?:[A-Z_][A-Z0-9_]+\\b|\\()");

  static boolean looksLikeFreeTextSecret(String v, boolean quoted) {
    if (v.length() < 8 || v.length() > 512 || isPlaceholder(v) || isTestMarker(v)
        || NOT_A_SECRET_VALUE.matcher(v).matches()) {
      return false;
    }
    if (!quoted && (IDENTIFIER_PATH.matcher(v).matches() || CODE_CHARS.matcher(v).find()
        || v.contains("?."))) {
      return false;
    }
    if (NO_DIGIT_IDENTIFIER.matcher(v).matches()) {
      // Letters only: an identifier, a class or a word. Typed rules judge words by their name.
      return false;
    }
    if (v.contains("%s") || v.contains("%d") || v.contains("{}") || v.contains("%(")) {
      return false;
    }
    if (SHELL_EXPANSION.matcher(v).find()) {
      // "prefix-$RAW_TOKEN" or "key-$(cat f)": the shell builds it from a variable at run time.
      return false;
    }
    int classes = classes(v);
    double h = entropy(v);
    return classes >= 3 && h >= 3.0 || classes >= 2 && h >= 3.5 && v.length() >= 16;
  }

  private static int classes(String v) {
    boolean u = false;
    boolean l = false;
    boolean d = false;
    boolean o = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        u = true;
      } else if (c >= 'a' && c <= 'z') {
        l = true;
      } else if (c >= '0' && c <= '9') {
        d = true;
      } else {
        o = true;
      }
    }
    return (u ? 1 : 0) + (l ? 1 : 0) + (d ? 1 : 0) + (o ? 1 : 0);
  }

  /**
   * Whether a value is the path of a secret file mounted at run time ({@code /run/secrets/db},
   * the Docker and Compose secrets mount, or {@code /var/run/secrets/...}, where Kubernetes
   * mounts tokens): pointing a variable at it is the recommended pattern, not a literal secret.
   */
  public static boolean isSecretFileReference(String value) {
    return value != null && SECRET_FILE.matcher(stripQuotes(value.trim())).matches();
  }

  private static final Pattern SECRET_FILE =
      Pattern.compile("(/var)?/run/secrets/[^\\s'\"`;|&<>]{1,300}");

  /**
   * A secret bound to a secret-looking name: a literal that is not a placeholder, at least six
   * characters long and not a plain word or number list.
   */
  public static Optional<SecretHit> assignment(String name, String value) {
    if (!isSecretName(name) || value == null) {
      return Optional.empty();
    }
    String v = stripQuotes(value.trim());
    if (v.length() < 6 || isPlaceholder(v) || isTestMarker(v) || isSecretFileReference(v)) {
      return Optional.empty();
    }
    return Optional.of(new SecretHit(kindOf(name), "generic-assignment", 0, v.length(),
        SecretEvidence.of(v)));
  }

  /** Shannon entropy of a string in bits per character. */
  public static double entropy(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double h = 0;
    double n = s.length();
    for (int c : counts) {
      if (c > 0) {
        double p = c / n;
        h -= p * (Math.log(p) / Math.log(2));
      }
    }
    if (other > 0) {
      double p = other / n;
      h -= p * (Math.log(p) / Math.log(2));
    }
    return h;
  }

  static String kindOf(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.contains("pass") || n.contains("pwd")) {
      return "password";
    }
    if (n.contains("token")) {
      return "token";
    }
    if (n.contains("key")) {
      return "key";
    }
    return "secret";
  }

  static String stripQuotes(String v) {
    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"")
        || v.startsWith("'") && v.endsWith("'"))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }
}
