package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Finds secrets in free text with provider-specific detectors (AWS, GitHub, GitLab, Slack,
 * Stripe, Google, Azure, npm, PyPI, Docker Hub, Twilio, SendGrid, Datadog, Vault, Terraform
 * Cloud, OpenAI, Anthropic, JWTs, private keys, URLs with passwords, credential files) and a
 * generic "secret name bound to a literal" detector that asks for more evidence.
 *
 * <p>Every detector names literal anchors; one Aho-Corasick pass over the text decides which
 * detectors run. Every pattern has bounded repetitions; lines longer than {@link #MAX_LINE}
 * characters are skipped by the line-based detectors (minified or generated content).
 * Stripe test-mode keys ({@code sk_test_}) are deliberately not reported: they cannot move
 * money or read live data, and reporting them trains users to ignore the scanner.
 */
public final class SecretDetectors {
  /** Lines longer than this are not searched by the line-based (generic) detectors. */
  public static final int MAX_LINE = 20_000;

  private static final List<Detector> DETECTORS = detectors();
  private static final AnchorIndex INDEX;
  private static final int[][] ANCHORS_OF;

  static {
    List<String> anchors = new ArrayList<>();
    ANCHORS_OF = new int[DETECTORS.size()][];
    for (int d = 0; d < DETECTORS.size(); d++) {
      List<String> own = DETECTORS.get(d).anchors();
      ANCHORS_OF[d] = new int[own.size()];
      for (int a = 0; a < own.size(); a++) {
        ANCHORS_OF[d][a] = anchors.size();
        anchors.add(own.get(a));
      }
    }
    INDEX = new AnchorIndex(anchors);
  }

  private SecretDetectors() {}

  /** The secrets in a text, ordered by offset, at most one per span. */
  public static List<SecretHit> find(String text) {
    return find("", text);
  }

  /**
   * The secrets in a file's text; the file name enables detectors that only make sense in one
   * kind of file ({@code .htpasswd}, {@code .pypirc}, {@code .netrc}).
   */
  public static List<SecretHit> find(String fileName, String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    String name = renderedName(fileName == null ? "" : fileName.toLowerCase(Locale.ROOT));
    BitSet present = INDEX.scan(text);
    List<Candidate> found = new ArrayList<>();
    for (int d = 0; d < DETECTORS.size(); d++) {
      Detector det = DETECTORS.get(d);
      if (anyPresent(present, ANCHORS_OF[d]) || det.forFile(name)) {
        int order = d;
        det.find(name, text, h -> found.add(new Candidate(h, order)));
      }
    }
    embedded(name, text, found);
    List<int[]> sealed = SealedSecrets.ciphertext(text);
    if (!sealed.isEmpty()) {
      found.removeIf(c -> SealedSecrets.inside(sealed, c.hit().start()));
    }
    return resolveOverlaps(found);
  }

  /**
   * The name of the file a template renders ({@link SourceFile#renderedName}), in lower case:
   * the detectors read a template as that file.
   */
  static String renderedName(String lowerName) {
    return SourceFile.renderedName(lowerName);
  }

  /**
   * The hits of every file-kind detector in the files a YAML text embeds
   * ({@link EmbeddedDocuments}), at their offsets in the YAML text. A block inside a block is
   * a line of the host as well, so one pass finds the files at every depth.
   */
  private static void embedded(String name, String text, List<Candidate> found) {
    if (!EmbeddedDocuments.hosts(name)) {
      return;
    }
    for (EmbeddedDocuments.Document doc : EmbeddedDocuments.in(text,
        EmbeddedDocuments.yaml(name), SecretDetectors::readable)) {
      for (int d = 0; d < DETECTORS.size(); d++) {
        Detector det = DETECTORS.get(d);
        if (det.forFile(doc.name())) {
          int order = d;
          det.find(doc.name(), doc.text(), h -> found.add(new Candidate(new SecretHit(
              h.kind() + " (embedded '" + doc.name() + "'" + doc.how() + ")", h.detector(),
              doc.onHost(h.start()), doc.onHost(h.end() - 1) + 1, h.evidence(), h.chosen()),
              order)));
        }
      }
    }
  }

  /** Whether a detector reads files of this (lower-case) name. */
  private static boolean readable(String lowerName) {
    for (Detector d : DETECTORS) {
      if (d.forFile(lowerName)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The name a file carried under {@code key} is read as: the key when a detector reads files
   * of that name, {@code KEY.json} when the text is a JSON object a detector reads
   * ({@code realm: '{"realm": ...}'}), else the key.
   */
  public static String documentName(String key, String text) {
    String lower = key.toLowerCase(Locale.ROOT);
    return !readable(lower) && text.strip().startsWith("{") && readable(lower + ".json")
        ? key + ".json" : key;
  }

  /** Ids of every detector, in priority order. */
  static List<String> detectorIds() {
    return DETECTORS.stream().map(Detector::id).toList();
  }

  private static boolean anyPresent(BitSet present, int[] anchors) {
    for (int a : anchors) {
      if (present.get(a)) {
        return true;
      }
    }
    return false;
  }

  private record Candidate(SecretHit hit, int order) {}

  /**
   * Overlapping hits keep the more specific detector (earlier in the list); when the hit left
   * out is of the same secret (the same value, or the same span), the kept one carries its
   * identity ({@link SecretHit#aliases()}), so that a baseline written when that detector
   * reported the secret still accepts it.
   */
  private static List<SecretHit> resolveOverlaps(List<Candidate> found) {
    found.sort(Comparator.comparingInt((Candidate c) -> c.order())
        .thenComparingInt(c -> c.hit().start()));
    List<SecretHit> kept = new ArrayList<>();
    for (Candidate c : found) {
      SecretHit hit = c.hit();
      int over = -1;
      for (int i = 0; i < kept.size() && over < 0; i++) {
        SecretHit k = kept.get(i);
        if (hit.start() < k.end() && k.start() < hit.end()) {
          over = i;
        }
      }
      if (over < 0) {
        kept.add(hit);
      } else if (sameSecret(kept.get(over), hit)) {
        kept.set(over, kept.get(over).absorbing(hit));
      }
    }
    kept.sort(Comparator.comparingInt(SecretHit::start));
    return kept;
  }

  private static boolean sameSecret(SecretHit a, SecretHit b) {
    return a.start() == b.start() && a.end() == b.end()
        || a.evidence().fingerprint().equals(b.evidence().fingerprint());
  }

  // ---------------------------------------------------------------- detector model

  /** One detector: its id, anchors and search. */
  interface Detector {
    String id();

    List<String> anchors();

    default boolean forFile(String lowerName) {
      return false;
    }

    void find(String lowerName, String text, java.util.function.Consumer<SecretHit> out);
  }

  /**
   * A detector driven by one pattern whose group {@code s} is the secret; {@code format} says
   * the pattern is a provider's credential format with a random body (so a few leading
   * characters may be shown), as opposed to a password a person chose.
   */
  record RegexDetector(String id, List<String> anchors, Pattern pattern,
      Function<Matcher, String> kind, BiPredicate<Matcher, String> accept, boolean format)
      implements Detector {
    RegexDetector(String id, List<String> anchors, Pattern pattern,
        Function<Matcher, String> kind, BiPredicate<Matcher, String> accept) {
      this(id, anchors, pattern, kind, accept, true);
    }

    @Override
    public void find(String lowerName, String text,
        java.util.function.Consumer<SecretHit> out) {
      Matcher m = pattern.matcher(text);
      while (m.find()) {
        String value = m.group("s");
        if (value == null || Secrets.isTestMarker(value) || Secrets.isPlaceholder(value)
            || !accept.test(m, text)) {
          continue;
        }
        out.accept(new SecretHit(kind.apply(m), id, m.start("s"), m.end("s"),
            format ? SecretEvidence.ofFormat(value) : SecretEvidence.of(value)));
      }
    }
  }

  private static Detector regex(String id, String kind, String regex, String... anchors) {
    return new RegexDetector(id, List.of(anchors), Pattern.compile(regex), m -> kind,
        (m, t) -> true);
  }

  private static Detector regex(String id, String kind, String regex,
      BiPredicate<Matcher, String> ok, String... anchors) {
    return new RegexDetector(id, List.of(anchors), Pattern.compile(regex), m -> kind, ok);
  }

  /** A detector of a value a person chose (a password), whose characters are never shown. */
  private static Detector chosen(String id, String kind, String regex,
      BiPredicate<Matcher, String> ok, String... anchors) {
    return new RegexDetector(id, List.of(anchors), Pattern.compile(regex), m -> kind, ok, false);
  }

  // ---------------------------------------------------------------- the detectors

  private static final String B = "(?<![A-Za-z0-9_])";
  private static final String E = "(?![A-Za-z0-9_])";
  private static final String B64 = "(?<![A-Za-z0-9+/=])";
  private static final String E64 = "(?![A-Za-z0-9+/=])";

  private static final String KEY_IN_JSON =
      "-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----(?:\\\\n)*(?<s>[^\"]{40,8000}?)\"";

  private static List<Detector> detectors() {
    List<Detector> d = new ArrayList<>();
    d.add(regex("gcp-service-account", "Google service-account key",
        "\"type\"\\s{0,20}:\\s{0,20}\"service_account\"[^{}]{0,4000}?\"private_key\"\\s{0,20}:"
            + "\\s{0,20}\"" + KEY_IN_JSON,
        "service_account"));
    d.add(regex("gcp-service-account", "Google service-account key",
        "\"private_key\"\\s{0,20}:\\s{0,20}\"" + KEY_IN_JSON + "[^{}]{0,4000}?"
            + "\"type\"\\s{0,20}:\\s{0,20}\"service_account\"",
        "service_account"));
    d.add(new PrivateKeyDetector());
    d.add(new AwsPairDetector());
    d.add(regex("aws-secret-key", "AWS secret access key",
        "(?i)aws_?secret_?(?:access_?)?key[\"']?\\s{0,5}(?:=>|:=|=|:)\\s{0,5}[\"']?"
            + "(?-i)(?<s>[A-Za-z0-9/+]{40})" + E64,
        (m, t) -> looksRandom(m.group("s")), "secret_access_key", "secretaccesskey",
        "aws_secret_key", "awssecretkey"));
    d.add(regex("aws-access-key-id", "AWS access key id",
        "(?<![A-Z0-9])(?<s>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Z0-9])",
        "AKIA", "ASIA", "ABIA", "ACCA"));
    d.add(regex("aws-session-token", "AWS session token",
        "(?i)(?:aws_?session_?token|aws_?security_?token|x-amz-security-token|sessiontoken)"
            + "[\"']?\\s{0,5}(?:=>|:=|=|:)\\s{0,5}[\"']?(?-i)(?<s>[A-Za-z0-9/+=]{100,3000})",
        "session_token", "sessiontoken", "security_token", "security-token"));
    d.add(regex("aws-session-token", "AWS session token",
        B64 + "(?<s>(?:FwoGZXIvYXdzE|IQoJb3JpZ2luX2Vj|IQoJb3JpZ2luX2V)[A-Za-z0-9/+=]{100,3000})",
        "FwoGZXIvYXdzE", "IQoJb3JpZ2lu"));
    d.add(new RegexDetector("github-token", List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        Pattern.compile(B + "(?<s>gh([pousr])_[A-Za-z0-9]{36})" + E),
        m -> switch (m.group(2)) {
          case "p" -> "GitHub personal access token";
          case "o" -> "GitHub OAuth access token";
          case "u" -> "GitHub App user-to-server token";
          case "s" -> "GitHub App installation token";
          default -> "GitHub App refresh token";
        }, (m, t) -> checksumOk(m.group("s").substring(4))));
    d.add(regex("github-fine-grained", "GitHub fine-grained personal access token",
        B + "(?<s>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + E, "github_pat_"));
    d.add(new RegexDetector("gitlab-token",
        List.of("glpat-", "glptt-", "GR1348941", "gldt-", "glrt-"),
        Pattern.compile(B + "(?<s>(glpat-|gldt-|glrt-)[A-Za-z0-9_-]{20,80}"
            + "|(glptt-)[0-9a-f]{40}|(GR1348941)[A-Za-z0-9_-]{20,80})(?![A-Za-z0-9_-])"),
        m -> {
          String v = m.group("s");
          if (v.startsWith("glpat-")) {
            return "GitLab personal access token";
          } else if (v.startsWith("glptt-")) {
            return "GitLab pipeline trigger token";
          } else if (v.startsWith("gldt-")) {
            return "GitLab deploy token";
          }
          return "GitLab runner token";
        }, (m, t) -> looksRandom(m.group("s").substring(m.group("s").indexOf('-') + 1))));
    d.add(new RegexDetector("slack-token", List.of("xoxb-", "xoxp-", "xoxa-", "xoxe-", "xapp-"),
        Pattern.compile(B + "(?<s>(xox[bpae])-[0-9]{8,14}-[0-9]{8,14}-[0-9A-Za-z-]{9,160}"
            + "[0-9A-Za-z]|(xapp)-[0-9]-[A-Z0-9]{8,14}-[0-9]{8,14}-[a-z0-9]{32,80})"
            + "(?![A-Za-z0-9-])"),
        m -> {
          String v = m.group("s");
          return v.startsWith("xoxb") ? "Slack bot token" : v.startsWith("xoxp")
              ? "Slack user token" : v.startsWith("xapp") ? "Slack app-level token"
              : "Slack token";
        }, (m, t) -> true));
    d.add(regex("slack-webhook", "Slack incoming webhook URL",
        "(?<s>https://hooks\\.slack\\.com/(?:services|workflows|triggers)/"
            + "T[A-Z0-9]{6,12}/[AB][A-Z0-9]{6,12}/[A-Za-z0-9]{20,40})(?![A-Za-z0-9])",
        "hooks.slack.com"));
    d.add(new RegexDetector("stripe-live-key", List.of("sk_live_", "rk_live_"),
        Pattern.compile(B + "(?<s>([sr])k_live_[A-Za-z0-9]{20,120})" + E),
        m -> m.group(2).equals("s") ? "Stripe live secret key" : "Stripe live restricted key",
        (m, t) -> looksRandom(m.group("s").substring(8))));
    d.add(regex("google-api-key", "Google API key",
        "(?<![A-Za-z0-9_-])(?<s>AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])", "AIza"));
    d.add(regex("google-oauth-secret", "Google OAuth client secret",
        "(?<![A-Za-z0-9_-])(?<s>GOCSPX-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])",
        (m, t) -> looksRandom(m.group("s").substring(7)), "GOCSPX-"));
    d.add(regex("azure-storage-key", "Azure storage account key",
        "(?i)(?:AccountKey=|(?:storage|account)_?(?:access_?)?key[\"']?\\s{0,5}(?:=>|:=|=|:)"
            + "\\s{0,5}[\"']?)(?-i)(?<s>[A-Za-z0-9+/]{86}==)" + E64,
        (m, t) -> !m.group("s").equals(AZURITE_KEY), "accountkey", "account_key", "storage_key",
        "storagekey", "storage_access_key"));
    d.add(regex("azure-client-secret", "Azure client secret",
        "(?<![A-Za-z0-9_~.-])(?<s>[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})"
            + "(?![A-Za-z0-9_~.-])", "Q~"));
    d.add(regex("azure-sas", "Azure shared access signature",
        "[?&;]sig=(?<s>[A-Za-z0-9%/+]{30,150}(?:%3D|=){0,2})(?![A-Za-z0-9%/+=])",
        (m, t) -> sasContext(m, t), "sig="));
    d.add(regex("npm-token", "npm access token",
        B + "(?<s>npm_[A-Za-z0-9]{36})" + E, (m, t) -> checksumOk(m.group("s").substring(4)),
        "npm_"));
    d.add(regex("pypi-token", "PyPI API token",
        B + "(?<s>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,400})"
            + "(?![A-Za-z0-9_-])", "pypi-AgE"));
    d.add(regex("dockerhub-pat", "Docker Hub personal access token",
        B + "(?<s>dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])",
        (m, t) -> looksRandom(m.group("s").substring(9)), "dckr_pat_", "dckr_oat_"));
    d.add(regex("twilio", "Twilio auth token or API key secret",
        "(?i)(?:twilio[a-z0-9_.-]{0,30}|auth_?token|api_?secret)[\"']?\\s{0,5}(?:=>|:=|=|:)"
            + "\\s{0,5}[\"']?(?-i)" + B + "(?<s>[0-9a-f]{32})" + E,
        (m, t) -> twilioContext(m, t), "twilio"));
    d.add(regex("sendgrid", "SendGrid API key",
        B + "(?<s>SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])", "SG."));
    d.add(regex("datadog", "Datadog API or application key",
        "(?i)(?:dd|datadog)_?(?:api|app|application)_?key[\"']?\\s{0,5}(?:=>|:=|=|:)"
            + "\\s{0,5}[\"']?(?-i)" + B + "(?<s>[0-9a-f]{32}|[0-9a-f]{40})" + E,
        (m, t) -> looksRandom(m.group("s")), "dd_api", "dd_app", "datadog_api", "datadog_app",
        "ddapi", "ddapp", "datadogapi", "datadogapp"));
    d.add(regex("vault-token", "HashiCorp Vault token",
        "(?<![A-Za-z0-9_.-])(?<s>hvs\\.[A-Za-z0-9_-]{24,300}|hvb\\.[A-Za-z0-9_-]{80,400})"
            + "(?![A-Za-z0-9_.-])", (m, t) -> looksRandom(m.group("s").substring(4)),
        "hvs.", "hvb."));
    d.add(regex("vault-token", "HashiCorp Vault token",
        "(?i)vault[a-z0-9_]{0,20}token[\"']?\\s{0,5}(?:=>|:=|=|:)\\s{0,5}[\"']?(?-i)"
            + "(?<s>s\\.[A-Za-z0-9]{24})" + E, (m, t) -> looksRandom(m.group("s").substring(2)),
        "vault"));
    d.add(regex("terraform-cloud-token", "Terraform Cloud API token",
        B + "(?<s>[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,100})(?![A-Za-z0-9_=-])",
        "atlasv1"));
    d.add(regex("anthropic-key", "Anthropic API key",
        B + "(?<s>sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,120})(?![A-Za-z0-9_-])",
        "sk-ant-"));
    d.add(regex("openai-key", "OpenAI API key",
        B + "(?<s>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}"
            + "|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?![A-Za-z0-9_-])",
        (m, t) -> looksRandom(m.group("s")), "sk-proj-", "sk-svcacct-", "sk-admin-", "T3BlbkFJ"));
    d.add(regex("jwt", "JSON Web Token",
        "(?<![A-Za-z0-9_.-])(?<s>eyJ[A-Za-z0-9_-]{8,2000}\\.[A-Za-z0-9_-]{4,8000}"
            + "\\.[A-Za-z0-9_-]{16,2000})(?![A-Za-z0-9_.-])",
        (m, t) -> jwtOk(m.group("s")), "eyJ"));
    d.add(regex("kubeconfig-credential", "kubeconfig client key",
        "(?m)^[ \\t-]{0,40}client-key-data:[ \\t]{0,10}[\"']?(?<s>[A-Za-z0-9+/=]{40,20000})",
        "client-key-data"));
    d.add(regex("kubeconfig-credential", "kubeconfig user token",
        "(?m)^[ \\t]{0,40}token:[ \\t]{0,10}[\"']?(?<s>[A-Za-z0-9_.~+/=-]{20,4000})[\"']?[ \\t]*$",
        (m, t) -> kubeconfigContext(m, t) && !Secrets.isPlaceholder(m.group("s")), "token:"));
    d.add(chosen("url-password", "password in a URL",
        "(?i)(?<![a-z0-9+.-])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?"
            + "|https?|ftps?|sftp|smtps?|ldaps?|mssql|sqlserver|oracle|jdbc:[a-z]{2,12}|nats"
            + "|kafka|clickhouse|cockroachdb|couchdb|neo4j(?:\\+s)?|bolt)://"
            + "(?<user>[^\\s:/@\"'<>?#]{0,128}):(?<s>[^\\s@/\"'<>?#]{1,256})@[^\\s/@\"'<>]{1,256}",
        (m, t) -> urlPasswordOk(m.group("s")), "://"));
    d.add(new FileLineDetector("netrc-password", "password in a .netrc file",
        Pattern.compile("(?m)^[ \\t]{0,40}machine\\s{1,40}\\S{1,256}(?:\\s{1,40}(?:login|account)"
            + "\\s{1,40}\\S{1,256}){0,2}\\s{1,40}password\\s{1,40}(?<s>\\S{1,256})"),
        List.of("machine"), n -> n.equals(".netrc") || n.equals("_netrc")));
    d.add(new FileLineDetector("npmrc-auth", "npm registry credential in .npmrc",
        Pattern.compile("(?m)(?:^|:)[ \\t]{0,10}_(?:authToken|auth|password)[ \\t]{0,10}="
            + "[ \\t]{0,10}[\"']?(?<s>[^\\s\"']{6,512})"),
        List.of("_authtoken", "_auth=", "_auth =", "_password"), n -> n.equals(".npmrc")));
    d.add(new FileLineDetector("pypirc-password", "password in a .pypirc file",
        Pattern.compile("(?m)^[ \\t]{0,10}password[ \\t]{0,10}[:=][ \\t]{0,10}(?<s>\\S{4,512})"
            + "[ \\t]*$"),
        List.of(), n -> n.equals(".pypirc")));
    d.add(new FileLineDetector("htpasswd", "password hash in an htpasswd line",
        Pattern.compile("(?m)^[^:\\s#]{1,64}:(?<s>\\$apr1\\$[./0-9A-Za-z]{1,8}\\$"
            + "[./0-9A-Za-z]{22})[ \\t]*$"), List.of("$apr1$"), n -> false));
    d.add(new FileLineDetector("htpasswd", "password hash in an htpasswd file",
        Pattern.compile("(?m)^[^:\\s#]{1,64}:(?<s>\\$2[abxy]?\\$[0-9]{2}\\$[./A-Za-z0-9]{53}"
            + "|\\{SHA}[A-Za-z0-9+/]{27}=|\\$(?:5|6)\\$[^$\\s]{1,16}\\$[./A-Za-z0-9]{43,86})"
            + "[ \\t]*$"),
        List.of(), n -> n.contains("htpasswd")));
    d.add(new KeycloakRealmDetector());
    d.add(new ConfigFileDetector());
    d.add(new GenericDetector());
    return List.copyOf(d);
  }

  /** Azure's documented storage emulator key, public by design. */
  static final String AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz"
      + "4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  /** The signature of the token shown in jwt.io's documentation. */
  static final String JWT_IO_SIGNATURE = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

  /** A detector that only runs on a named file kind, or wherever its anchors occur. */
  record FileLineDetector(String id, String kind, Pattern pattern, List<String> anchors,
      Predicate<String> file) implements Detector {
    @Override
    public boolean forFile(String lowerName) {
      return file.test(lowerName);
    }

    @Override
    public void find(String lowerName, String text,
        java.util.function.Consumer<SecretHit> out) {
      if (id.equals("pypirc-password") && !lowerName.equals(".pypirc")) {
        return;
      }
      Matcher m = pattern.matcher(text);
      while (m.find()) {
        String v = Secrets.stripQuotes(m.group("s"));
        if (v.length() < 4 || v.indexOf('"') >= 0 || v.indexOf('\'') >= 0
            || Secrets.isPlaceholder(v) || Secrets.isTestMarker(v)) {
          continue;
        }
        out.accept(new SecretHit(kind, id, m.start("s"), m.end("s"), SecretEvidence.of(v)));
      }
    }
  }

  // ---------------------------------------------------------------- validators

  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /**
   * GitHub and npm tokens end in six base62 digits of the CRC32 of the 30 random characters
   * before them; a string of the right shape with a wrong checksum is not a token.
   */
  static boolean checksumOk(String body) {
    if (body.length() != 36) {
      return false;
    }
    return body.substring(30).equals(checksum(body.substring(0, 30)));
  }

  /** The six-character base62 CRC32 suffix GitHub and npm append to a token's random part. */
  public static String checksum(String random) {
    CRC32 crc = new CRC32();
    crc.update(random.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    char[] out = new char[6];
    for (int i = 5; i >= 0; i--) {
      out[i] = BASE62.charAt((int) (v % 62));
      v /= 62;
    }
    return new String(out);
  }

  /** Not a run of one character, not a simple sequence: something generated. */
  static boolean looksRandom(String s) {
    if (s.length() < 8) {
      return false;
    }
    return Secrets.entropy(s) >= 3.0;
  }

  private static boolean sasContext(Matcher m, String t) {
    String line = lineAround(m, t, 2000);
    return line.contains("sv=") && (line.contains("se=") || line.contains("sp="));
  }

  private static boolean twilioContext(Matcher m, String t) {
    String around = window(m, t, 600).toLowerCase(Locale.ROOT);
    return around.contains("twilio") && looksRandom(m.group("s"));
  }

  private static boolean kubeconfigContext(Matcher m, String text) {
    return (text.contains("kind: Config") || text.contains("clusters:"))
        && text.contains("users:");
  }

  private static boolean urlPasswordOk(String pw) {
    if (Secrets.isPlaceholder(pw) || pw.startsWith("%") || pw.startsWith("{")
        || pw.startsWith("$") || pw.startsWith("<") || pw.startsWith("*")) {
      return false;
    }
    String l = pw.toLowerCase(Locale.ROOT);
    if (pw.length() < 4 || Secrets.isTestMarker(pw)
        || pw.length() >= 8 && Secrets.entropy(pw) < 2.0) {
      return false;
    }
    return !(l.equals("pass") || l.equals("pwd") || l.equals("pw") || l.contains("password")
        || l.equals("secret") || l.matches("[0-9]{1,5}"));
  }

  private static boolean jwtOk(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[2].equals(JWT_IO_SIGNATURE)) {
      return false;
    }
    try {
      String header = new String(Base64.getUrlDecoder().decode(parts[0]),
          StandardCharsets.UTF_8).trim();
      return header.startsWith("{") && header.endsWith("}") && header.contains("\"alg\"")
          && !header.replace(" ", "").contains("\"alg\":\"none\"");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String window(Matcher m, String t, int radius) {
    return t.substring(Math.max(0, m.start() - radius), Math.min(t.length(), m.end() + radius));
  }

  private static String lineAround(Matcher m, String t, int max) {
    int s = m.start();
    int a = s;
    while (a > 0 && t.charAt(a - 1) != '\n' && s - a < max) {
      a--;
    }
    int b = m.end();
    while (b < t.length() && t.charAt(b) != '\n' && b - m.end() < max) {
      b++;
    }
    return t.substring(a, b);
  }
}
