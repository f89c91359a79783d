package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.SourceFile;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Shared secret heuristics for every analyzer: does a name look like it holds a secret, is a
 * value a placeholder or reference rather than a literal, and does a name/value pair bind a
 * real secret. Typed analyzers (Dockerfile ENV, Kubernetes env, Terraform attributes, ...) call
 * these so that every file kind judges secrets the same way; {@link SecretEvidence} applies
 * {@link #isPlaceholder} once more to every reported value, so that no rule can report one.
 */
public final class Secrets {
  /**
   * Short words glued in front of {@code pass} or {@code pwd} in names that hold a password
   * ({@code dbpass}, {@code rootpwd}, {@code adminpass}); a list, because {@code bypass},
   * {@code compass} and {@code surpass} end in {@code pass} too.
   */
  private static final String GLUED_PASS = "(db|root|admin|user|sys|su|sa|mysql|pg|postgres"
      + "|redis|mongo|ftp|smtp|mail|ldap|bind|app|svc|master|store|keystore|truststore|proxy"
      + "|amqp|rabbit|jdbc|web|ui|sql|ssh|vnc|wifi|rcon|db_?root)(pass|pwd|passwd|password)";
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(passw(or)?d|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
          + "|(^|_)" + GLUED_PASS + "(_|$)"
          + "|private[_-]?key|credential|auth[_-]?key|client[_-]?secret|(^|[_-])pass$"
          + "|(^|[_-])pass[_-]|conn(ection)?[_-]?str(ing)?|signing[_-]?key|encryption[_-]?key"
          + "|master[_-]?key|session[_-]?key|webhook[_-]?url|dsn$|^requirepass$|^masterauth$).*");
  /** Names that hold something about a secret (where it is, how long, its name), not it. */
  private static final Pattern NOT_SECRET_NAME = Pattern.compile(
      "(?i).*(_file|_path|_dir|_url_path|_length|_len|_ttl|_expiry|_expires|_timeout|_id$"
          + "|_name$|_user(name)?$|_policy|_header|_type$|_enabled$|_count$|_arn$|_ref$"
          + "|_secret_name$|_key_id$|token_endpoint|_uri$|_version$|_hash$|_salt$|_regex$"
          + "|_pattern$|_prefix$|_suffix$|_format$|_min$|_max$|_size$|_store$|_provider$"
          + "|_manager$|_mount$|_volume$|_key_ref$|^existing_secret|^(proxy|fastcgi|uwsgi|scgi"
          + "|grpc|memcached)_pass$|^secret_(name|ref|key_ref"
          + "|store|provider|mount|volume|backend|engine|path|file|version)s?$).*");
  private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
  /** A YAML alias or anchor ({@code *default_password}): a reference to another node. */
  private static final Pattern YAML_ALIAS = Pattern.compile("[*&][A-Za-z_][A-Za-z0-9_.-]*");
  /** The end of an acronym inside a camelCase name: {@code DMFPasswd} is DMF and Passwd. */
  private static final Pattern ACRONYM = Pattern.compile("([A-Z])([A-Z][a-z])");
  /** Names (in snake_case) that hold a credential and nothing else, whatever its shape. */
  private static final Pattern CREDENTIAL_ONLY_NAME = Pattern.compile(
      "(.*_)?(password|passwd|passphrase|pwd|pass|passwords|auth_token|" + GLUED_PASS + ")(_wo)?");

  /**
   * The shortest literal reported as a password, wherever it is written (a configuration file,
   * an environment entry, ENV, a command line): {@code root} and {@code toor}, the default
   * passwords images and tutorials ship with, have four characters.
   */
  public static final int MIN_PASSWORD = 4;
  /**
   * Password hashes (bcrypt {@code $2y$}, crypt {@code $5$}/{@code $6$}, argon2, scrypt,
   * PBKDF2, LDAP {@code {SSHA}}, Apache {@code $apr1$}): what a server stores to check a
   * password, not the password; htpasswd lines have their own rule.
   */
  private static final Pattern PASSWORD_HASH = Pattern.compile(
      "\\$(2[abxy]?|1|5|6|apr1|argon2(i|d|id)|scrypt|pbkdf2(-sha(1|256|512))?|7|y|gy)\\$\\S{8,}"
          + "|\\{(SHA|SSHA|SHA256|SSHA256|SHA512|SSHA512|MD5|SMD5|CRYPT|bcrypt|PBKDF2[A-Za-z0-9-]*"
          + "|ARGON2)}\\S{8,}|(pbkdf2_sha256|bcrypt_sha256|argon2)\\$\\S{8,}|md5[0-9a-f]{32}");
  /** An environment variable's name ({@code DB_PASSWORD}) or a property's ({@code db.password}). */
  private static final Pattern REFERENCE_NAME =
      Pattern.compile("[A-Z][A-Z0-9]*([_-][A-Z0-9]+)+|[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)+");

  /** Whole values that are template, variable or expansion syntax, never a literal. */
  private static final Pattern TEMPLATE = Pattern.compile(
      "(?s)(^\\$\\{.*}$|^\\$[A-Za-z_][A-Za-z0-9_]*$|^\\$\\(.*\\)$|^\\{\\{.*}}$|^<.*>$"
          + "|^%\\(.*\\)s?$|^#\\{.*}#?$|^@[A-Za-z_][A-Za-z0-9_.-]*@$|^\\(\\(.*\\)\\)$"
          + "|^%[A-Za-z_][A-Za-z0-9_]*%$|^__[A-Za-z0-9_]+__$|^\\[[A-Za-z _-]+]$"
          + "|^\\{[A-Za-z_][A-Za-z0-9_.:-]*}$|^<%.*%>$|^\\$__[a-z]+\\{.*}$"
          + "|^(var|local|data|module|each|self|input|inputs|vars|env|secrets|params"
          + "|parameters|steps|needs|matrix|github|values|Values)\\.[A-Za-z_].*)");
  /** Placeholder words and documentation phrasing, compared with the whole lower-cased value. */
  private static final Pattern PLACEHOLDER_WORD = Pattern.compile(
      "(changeme|change[_-]me|changeit|change[_-]it|changethis|change[_-]this|replaceme"
          + "|replace[_-]me|fixme|todo|tbd|example|dummy|test|testing|fake|placeholder"
          + "|redacted|secret|secrets|password|passwd|pass|pwd|token|key|apikey|api[_-]key|none"
          + "|null|nil|undefined|empty|default|n/?a|notset|not[_-]set|unset|required|foo|bar"
          + "|foobar|baz|demo|sample|true|false|yes|no|on|off"
          + "|(change|replace)[_-]?(me|it|this|with).*"
          + "|(your|insert|enter|paste|put|fill)[_ -]?(in[_ -]?)?(your|a|an|the|real|own|my)"
          + "[_ -].*|your.*|insert[_ -].*|enter[_ -].*|paste[_ -].*"
          + "|my[_-]?(own[_-]?|super[_-]?|very[_-]?)?(secret|password|passwd|pass|pwd|token|key"
          + "|api[_-]?key)[_a-z-]*|xxx.*|\\*\\*\\*.*|.*[_ -](goes[_ -])?here)");
  /** References to a secret store, or code that reads a secret instead of holding one. */
  private static final Pattern REFERENCE = Pattern.compile(
      "(?s)(?i)(^os\\.environ.*|^os\\.getenv.*|^process\\.env\\..*|^env\\[.*|^env\\..*"
          + "|^system\\.getenv.*|^getenv\\(.*|^[a-z_][a-z0-9_.]{0,80}\\(.*\\)[;,]?$"
          + "|^vault:.*|^secretkeyref.*|^valuefrom.*|^!vault.*|^arn:aws[a-z-]*:(secretsmanager"
          + "|ssm|kms):.*|^projects/[^/]+/secrets/.*|^https://[a-z0-9-]+\\.vault\\.azure"
          + "\\.net/.*|^%env\\(.*|^\\$env:.*|^\\$[a-z_][a-z0-9_]*([./:-].*)?|^@\\{.*"
          + "|^@microsoft\\.keyvault\\(.*\\)$|^(vault|secretsmanager|ssm|sm|op|awskms|gcpkms"
          + "|azurekeyvault|akv|gcpsm|doppler|infisical|bws|keyvault)://.*|^ref\\+.*"
          + "|^env:[a-z_][a-z0-9_]*$"
          + "|^secretref:.*|^gcp:secretmanager:.*|^\\{\\{resolve:(secretsmanager|ssm"
          + "|ssm-secure):.*)");
  /** A run of one masking character: {@code XXXXXX}, {@code ******}, {@code 000000}. */
  private static final Pattern MASK_RUN = Pattern.compile("(x{6}|X{6}|\\*{4}|0{6}|#{6}|•{4})");
  private static final Pattern ONE_CHAR = Pattern.compile("(.)\\1*");

  /** Values shaped like hashes, identifiers or paths rather than secrets (free text only). */
  private static final Pattern NOT_A_SECRET_VALUE = Pattern.compile(
      "(?i)(sha(1|256|384|512):[0-9a-f]{16,}|[0-9a-f]{40}|[0-9a-f]{64}"
          + "|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
          + "|(\\.{0,2}/|~/|[a-z]:\\\\).*|.*\\.(pem|key|json|txt|yaml"
          + "|yml|crt|cer|p12|pfx|jks|env|conf|cfg|ini|properties|o|c|h|exe|py|js|ts|java|go"
          + "|rb|sh|so|dll|jar|class)|[a-z]+(-[a-z]+)+|[a-z][a-z0-9]*(-[a-z0-9]+)*-[0-9]+"
          + "|.*\\s.*)");
  /** A path to a file: a key file's location is not the key. */
  private static final Pattern FILE_PATH = Pattern.compile(
      "(~|\\.{1,2})?(/[A-Za-z0-9._@%+~-]+)+/?|[A-Za-z]:\\\\[^\\s\"'<>|*?]+"
          + "|(\\.{1,2}/)?[A-Za-z0-9._@-]+(/[A-Za-z0-9._@-]+)*\\.(pem|key|json|p12|pfx|jks"
          + "|keystore|crt|cer|der|txt|asc|gpg|pub|ppk|kdbx|env|conf|cfg|ini|yaml|yml)");
  private static final Pattern KNOWN_DIR = Pattern.compile(
      "^(~|\\.{1,2})/.*|^/(tmp|etc|run|var|home|opt|usr|root|srv|mnt|secrets|app|config|data"
          + "|certs?|keys|workspace|github|builds?)(/.*)?$|.*\\.[A-Za-z]{2,9}$");
  /** A URL with no user information: an endpoint, not a credential. */
  private static final Pattern PLAIN_URL = Pattern.compile(
      "(?i)[a-z][a-z0-9+.-]{1,20}://[^\\s/@?#]+(/[^\\s?#@]*)?(\\?[^\\s#@]*)?(#[^\\s@]*)?");
  private static final Pattern SECRET_QUERY = Pattern.compile(
      "(?i)[?&](access_?token|token|key|api_?key|secret|password|pwd|sig|signature|code)="
          + "[^&#\\s]{6,}");
  private static final Pattern HOST_PORT = Pattern.compile(
      "([A-Za-z0-9-]+\\.[A-Za-z0-9.-]*[A-Za-z0-9]|localhost|\\[[0-9A-Fa-f:.]+]):[0-9]{2,5}");
  /** A container image reference ({@code registry/org/name:tag}) or Maven coordinates. */
  private static final Pattern ARTIFACT = Pattern.compile(
      "([a-z0-9.-]+(:[0-9]{2,5})?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)+"
          + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?"
          + "|[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)+:[a-z0-9][a-z0-9_.-]*(:[A-Za-z0-9_.+-]+){0,2}");
  /** Names whose secret is a URL: a webhook or a connection string. */
  private static final Pattern URL_SECRET_NAME =
      Pattern.compile("(?i).*(webhook|dsn|conn(ection)?[_-]?str).*");
  private static final Pattern IDENTIFIER_PATH = Pattern.compile(
      "[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+|[a-z_]+|[A-Z_]+|[A-Za-z]+");
  /** Spring's {@code ${NAME:default}}: the default is a literal the application falls back to. */
  private static final Pattern SPRING_FALLBACK =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]{0,100}):([^:{}$][^{}$]{0,300})}");

  /** Unquoted values with these characters are code (calls, subscripts, markup), not data. */
  private static final Pattern CODE_CHARS = Pattern.compile("[()\\[\\]<>\\\\]");
  private static final Pattern NO_DIGIT_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z_$]*");
  private static final Pattern SHELL_EXPANSION =
      Pattern.compile("\\$(?:[A-Z_][A-Z0-9_]+\\b|\\()");

  /** The words of a camelCase, PascalCase, snake_case or kebab-case value, and digit runs. */
  private static final Pattern WORD_PART =
      Pattern.compile("[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[0-9]+");
  private static final Pattern SEPARATORS = Pattern.compile("[_.\\-!@#]{1,3}");
  /** Digits that count rather than vary: 123456, 0123456789, 1111, a year, one or two digits. */
  private static final Pattern COUNTING = Pattern.compile(
      "0?1(?:2(?:3(?:4(?:5(?:6(?:7(?:8(?:9(?:0)?)?)?)?)?)?)?)?)?|(?:19|20)[0-9]{2}|[0-9]{1,2}"
          + "|(?<d>[0-9])\\k<d>{2,}");
  /** Words that name a placeholder, a demo, or the kind of secret a value stands for. */
  private static final Set<String> PLACEHOLDER_PARTS = Set.of("demo", "test", "testing",
      "sample", "example", "dummy", "fake", "default", "my", "your", "our", "super", "very",
      "secret", "secrets", "pass", "password", "passwd", "passphrase", "phrase", "pwd", "key",
      "token", "api", "app", "auth", "access", "private", "jwt", "signing", "encryption",
      "master", "admin", "user", "db", "dev", "local", "change", "me", "it", "this", "top",
      "strong", "iv", "salt", "hash", "client", "session", "cookie");

  /** Letters, digits and the punctuation people put in the passwords they choose. */
  private static final Pattern CHOSEN = Pattern.compile("[A-Za-z0-9!@^&._+=?~-]{4,64}");
  /** An e-mail address: an account's name, not its password. */
  private static final Pattern EMAIL = Pattern.compile("[^@]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
  /** An account's app password as mail providers print it: four groups of four letters. */
  private static final Pattern APP_PASSWORD = Pattern.compile("[a-z]{4}( [a-z]{4}){3}");
  /**
   * Names rather than passwords: an environment variable or enum constant ({@code PASSWORD}),
   * a camelCase or PascalCase field, form input or attribute ({@code userPassword},
   * {@code txtPassword}), a capitalised word (a translated label: {@code Passwort}).
   */
  private static final Pattern NAME_SHAPED =
      Pattern.compile("[A-Z][A-Z0-9]*([_.-][A-Z0-9]+)*|[A-Za-z]*[a-z][A-Z][A-Za-z]*|[A-Z][a-z]+"
          + "|[a-z]+([._-][a-z]+)+");
  /** A value that spells what it stands for is an example: {@code testpassword123}. */
  private static final Pattern SPELLS_ITS_KIND = Pattern.compile("passw(or)?d|passphrase");
  /** Words that configure how a password is handled, bound to a password-named variable. */
  private static final Set<String> PASSWORD_SETTINGS = Set.of("hidden", "masked", "prompt",
      "plain", "plaintext", "string", "bcrypt", "scrypt", "argon2", "argon2id", "pbkdf2",
      "sha256", "sha512", "keyring", "keychain", "stdin", "optional", "mandatory", "disabled",
      "enabled", "inherit", "random", "generate", "generated", "manual", "basic", "digest",
      "bearer", "local", "native", "external", "internal", "unknown", "invalid", "missing",
      "hashed", "encrypted", "unchanged", "public", "private", "input", "field", "value",
      // UI labels of a login or reset form, in a translation or a form definition.
      "reset", "submit", "confirm", "change", "show", "hide", "login", "logout", "save",
      "cancel", "update", "forgot", "current", "again", "repeat", "verify", "retype", "label",
      "new", "old", "remember", "sign in", "signin", "register", "text", "password:");

  /** A comment saying the value next to it is to be replaced: an example, not a secret. */
  private static final Pattern EXAMPLE_PHRASE = Pattern.compile(
      "(?i)(\\bchange[ _-]?(this|me|it|that|before|in[ _]prod|for[ _]prod)|\\bchangeme\\b"
          + "|\\breplace[ _-]?(this|me|it|with|before)|\\bplaceholder|\\bexample\\b"
          + "|\\bdummy\\b|\\bfake\\b|\\bsample\\b|not[ _-]a[ _-]real|\\byour[ _-]own\\b"
          + "|\\bset[ _-]your\\b|\\bfill[ _-]in\\b|\\b(edit|update)[ _-](this|me)\\b"
          + "|\\b(insert|put|paste|use)[ _-]your\\b|\\bmust[ _-]be[ _-]changed)");
  private static final Pattern TRAILING_COMMENT =
      Pattern.compile("(\\s#|\\s//|<!--|\\s--\\s|\\s;)(?<c>.*)$");
  private static final Pattern COMMENT_ONLY =
      Pattern.compile("\\s*(#|//|<!--|--|;|/\\*|\\*)(?<c>.*)$");

  private Secrets() {}

  /**
   * Whether the value on a line is marked as an example by a comment: on the same line after
   * it ({@code KEY = "x"  # change this}) or on a comment line just above or below it
   * ({@code # replace with your own key}). Provider-format credentials are judged by their
   * format, not by such comments.
   */
  public static boolean exampleComment(SourceFile file, int line) {
    String text = file.line(line);
    java.util.regex.Matcher same = TRAILING_COMMENT.matcher(text);
    if (text.length() <= 2000 && same.find() && EXAMPLE_PHRASE.matcher(same.group("c")).find()) {
      return true;
    }
    return commentSays(file.line(line - 1)) || commentSays(file.line(line + 1));
  }

  private static boolean commentSays(String text) {
    java.util.regex.Matcher m = COMMENT_ONLY.matcher(text);
    return text.length() <= 400 && m.matches() && EXAMPLE_PHRASE.matcher(m.group("c")).find();
  }

  /**
   * Whether a variable, key or attribute name suggests it holds a secret. {@code camelCase}
   * and {@code kebab-case} names are judged as their {@code snake_case} form.
   */
  public static boolean isSecretName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    String n = snake(name);
    return SECRET_NAME.matcher(n).matches() && !NOT_SECRET_NAME.matcher(n).matches();
  }

  /**
   * Whether a name holds a credential and nothing else ({@code password},
   * {@code master_password}, {@code admin_password_wo}, {@code passphrase}, {@code auth_token}):
   * a literal bound to it is a credential whatever its character classes, where names such as
   * {@code http_tokens} or {@code access_token} also hold settings ({@code "required"},
   * {@code "minutes"}).
   */
  public static boolean isCredentialOnlyName(String name) {
    return isSecretName(name) && CREDENTIAL_ONLY_NAME.matcher(snake(name)).matches();
  }

  static String snake(String name) {
    String words = ACRONYM.matcher(name).replaceAll("$1_$2");
    return CAMEL.matcher(words).replaceAll("$1_$2").replace('-', '_').replace('.', '_')
        .toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a value is a placeholder rather than a secret: empty, a variable, template or
   * expansion ({@code ${X}}, {@code $(cat f)}, <code>{{ x }}</code>, <code>${{ x }}</code>,
   * {@code %(x)s}, {@code #{x}}, ...), a reference to a secret store (an ARN, a Key Vault
   * reference, a {@code vault:} path), a mask ({@code XXXX}, {@code ****}, {@code 0000}) or a
   * documentation word ({@code changeme}, {@code <password>}, {@code your-token-here}).
   */
  public static boolean isPlaceholder(String value) {
    if (value == null) {
      return true;
    }
    String v = stripQuotes(value.trim()).trim();
    if (v.isEmpty() || v.length() > 4096) {
      return v.isEmpty();
    }
    if (springFallback(v) != null) {
      return false;
    }
    String l = v.toLowerCase(Locale.ROOT);
    return TEMPLATE.matcher(v).matches() || v.contains("${") || v.startsWith("$(")
        || v.contains("{{") || v.contains("<%") || v.contains("...") || v.contains("\u2026")
        || PLACEHOLDER_WORD.matcher(l).matches() || REFERENCE.matcher(v).matches()
        || isMask(v);
  }

  /** {@code XXXXXXXX}, {@code ********}, {@code T00000000/B00000000/XXXXXXXX}, {@code aaaa}. */
  static boolean isMask(String v) {
    return MASK_RUN.matcher(v).find() || v.length() >= 3 && ONE_CHAR.matcher(v).matches();
  }

  /**
   * The literal default of a Spring-style {@code ${NAME:default}} placeholder when the value is
   * exactly one, else {@code null}; the default is what the application uses when the variable
   * is unset, so it is judged like any literal.
   */
  public static String springFallback(String value) {
    if (value == null || value.indexOf("${") < 0) {
      return null;
    }
    java.util.regex.Matcher m = SPRING_FALLBACK.matcher(stripQuotes(value.trim()));
    if (!m.matches() || m.group(2).startsWith("-") || m.group(2).startsWith("?")
        || m.group(2).startsWith("=") || m.group(2).startsWith("+")) {
      return null;
    }
    return m.group(2);
  }

  /**
   * A literal fallback inside a value and where it starts: the default of a {@code ${NAME:x}}
   * placeholder or of an environment lookup in ERB.
   */
  record Fallback(String literal, int offset, String what) {}

  /**
   * The literal string an ERB tag falls back to when an environment variable is unset, as Rails
   * writes {@code database.yml}: {@code <%= ENV.fetch("DB_PASSWORD") { "pw" } %>},
   * {@code <%= ENV.fetch("DB_PASSWORD", "pw") %>} and {@code <%= ENV['DB_PASSWORD'] || 'pw' %>}
   * (also after other alternatives); {@code null} when the tag has no literal fallback
   * ({@code ENV.fetch("X") { credentials[:pw] }}, {@code ENV['X']}, {@code nil}).
   */
  static Fallback erbFallback(String value) {
    return literalIn(value, "<%", ERB_FALLBACK, "the fallback of an ENV lookup in ERB");
  }

  /**
   * The literal that {@code pattern}, matching all of a value that starts with {@code opening},
   * captures in its group {@code a}, {@code b} or {@code c}; null when it does not match.
   */
  private static Fallback literalIn(String value, String opening, Pattern pattern, String what) {
    if (value == null || !value.startsWith(opening) || value.length() > 1024) {
      return null;
    }
    java.util.regex.Matcher m = pattern.matcher(value);
    if (!m.matches()) {
      return null;
    }
    for (String g : new String[] {"a", "b", "c"}) {
      if (m.group(g) != null) {
        return new Fallback(m.group(g), m.start(g), what);
      }
    }
    return null;
  }

  /**
   * The literal a template variable falls back to when it is unset, which the rendered file
   * then holds as written: Jinja's <code>{{ db_password | default('pw') }}</code> (also
   * {@code d('pw')}, {@code default('pw', true)}, a lookup before it), Go's and Helm's
   * <code>{{ .Values.pw | default "pw" }}</code> and <code>{{ default "pw" .Values.pw }}</code>,
   * each possibly followed by filters ({@code | quote}, {@code | b64enc}); {@code null} when the
   * value is not exactly one such directive or its default is no string literal
   * ({@code default(omit)}, {@code default (randAlphaNum 16)}, {@code default .Chart.AppVersion}).
   */
  static Fallback templateFallback(String value) {
    return literalIn(value, "{{", TEMPLATE_DEFAULT, "the default of a template variable");
  }

  /** A filter after the default: {@code | quote}, {@code | b64encode}, {@code | trim()}. */
  private static final String FILTERS =
      "(?:\\s*\\|\\s*[A-Za-z_][A-Za-z0-9_]{0,40}(?:\\([^(){}\\r\\n]{0,100}\\))?)*";
  private static final Pattern TEMPLATE_DEFAULT = Pattern.compile(
      "\\{\\{-?\\s*(?:[^{}\\r\\n]{1,300}?\\|\\s*(?:default|d)\\s*(?:\\(\\s*"
          + templateString("a") + "\\s*(?:,\\s*(?:true|True|false|False)\\s*)?\\)"
          + "|\\s" + templateString("b") + ")"
          + "|default\\s+" + templateString("c") + "\\s+[^{}|\\r\\n]{1,200}?)"
          + FILTERS + "\\s*-?}}");

  /** A quoted template string literal without escapes, its text in group {@code name}. */
  private static String templateString(String name) {
    return "(?<t" + name + ">['\"`])(?<" + name + ">[^'\"`\\\\{}\\r\\n]{1,300})\\k<t"
        + name + ">";
  }

  /**
   * The literal a value falls back to when what it names is unset, and where it starts in the
   * value: the default of a Spring {@code ${NAME:default}}, of an ERB environment lookup or of
   * a template variable; {@code null} when the value has none. One judgement for every
   * detector: the literal is judged, and pointed at, as if written alone.
   */
  static Fallback fallback(String value) {
    String spring = springFallback(value);
    if (spring != null) {
      return new Fallback(spring, value.indexOf(':') + 1,
          "the default of a ${...:default} placeholder");
    }
    Fallback erb = erbFallback(value);
    return erb != null ? erb : templateFallback(value);
  }

  private static final Pattern ERB_FALLBACK = Pattern.compile(
      "<%=-?\\s*ENV(?:\\.fetch\\(\\s*(?<n1>['\"])[A-Za-z_][A-Za-z0-9_]{0,100}\\k<n1>\\s*"
          + "(?:,\\s*" + erbString("a") + "\\s*\\)"
          + "|\\)\\s*\\{\\s*(?:\\|\\w{1,30}\\|\\s*)?" + erbString("b") + "\\s*})"
          + "|\\[\\s*(?<n2>['\"])[A-Za-z_][A-Za-z0-9_]{0,100}\\k<n2>\\s*][^%]{0,300}?\\|\\|\\s*"
          + erbString("c") + ")\\s*-?%>");

  /** A quoted Ruby string literal without escapes, its text in group {@code name}. */
  private static String erbString(String name) {
    return "(?<q" + name + ">['\"])(?<" + name + ">[^'\"\\\\]{1,300})\\k<q" + name + ">";
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
   * Whether a value is shaped like something that is not a secret whatever its name: a file
   * path ({@code ~/.ssh/id_rsa}, {@code /tmp/key.json}), a URL without user information, a
   * {@code host:port}, a container image reference or Maven coordinates.
   */
  public static boolean isNotASecretShape(String value) {
    String v = stripQuotes(value.trim());
    if (v.length() > 2048) {
      return false;
    }
    if (FILE_PATH.matcher(v).matches() && (KNOWN_DIR.matcher(v).matches()
        || v.chars().filter(c -> c == '/').count() >= 3)) {
      return true;
    }
    if (PLAIN_URL.matcher(v).matches()) {
      return !SECRET_QUERY.matcher(v).find();
    }
    return HOST_PORT.matcher(v).matches() || ARTIFACT.matcher(v).matches();
  }

  /**
   * Whether a literal found in free text next to a secret-looking name looks generated enough
   * to report: long enough, mixed character classes, high entropy, not a reference, path,
   * URL, digest or identifier.
   */
  public static boolean looksLikeFreeTextSecret(String v, boolean quoted) {
    if (v.length() < 8 || v.length() > 512 || isPlaceholder(v) || isTestMarker(v)
        || NOT_A_SECRET_VALUE.matcher(v).matches() || isNotASecretShape(v)
        || isWordyPlaceholder(v) || PASSWORD_HASH.matcher(v).matches()) {
      return false;
    }
    if (!quoted && (IDENTIFIER_PATH.matcher(v).matches() || CODE_CHARS.matcher(v).find()
        || v.contains("?.") || YAML_ALIAS.matcher(v).matches())) {
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

  /**
   * Whether a quoted literal bound to a name that holds nothing but a credential
   * ({@link #isCredentialOnlyName}) is a password someone chose: five characters or more of
   * letters, digits and common punctuation ({@code trainres}, {@code pizzeria42},
   * {@code chl2525!}, {@code 483920}), or an app password ({@code abcd efgh ijkl mnop}). Not a
   * name ({@code DB_PASSWORD}, {@code userPassword}, {@code Passwort}, {@code db.password}), an
   * e-mail address, a placeholder word with or without digits ({@code password123},
   * {@code demo1234}), a value that spells its kind, a mask or a setting word ({@code hidden}).
   */
  public static boolean looksLikeChosenPassword(String v) {
    if (APP_PASSWORD.matcher(v).matches()) {
      return true;
    }
    if (!CHOSEN.matcher(v).matches() || NAME_SHAPED.matcher(v).matches()
        || EMAIL.matcher(v).matches() || isPlaceholder(v) || isTestMarker(v)
        || isNotASecretShape(v) || isWordyPlaceholder(v)) {
      return false;
    }
    String l = v.toLowerCase(Locale.ROOT);
    String word = l.replaceFirst("[0-9]+$", "");
    return !PASSWORD_SETTINGS.contains(l) && !SPELLS_ITS_KIND.matcher(l).find()
        && (word.isEmpty() || !PLACEHOLDER_WORD.matcher(word).matches());
  }

  /**
   * Whether a literal bound to a name that holds nothing but a password
   * ({@link #isCredentialOnlyName}) is the password itself, in any file kind: at least
   * {@link #MIN_PASSWORD} characters, trivial and default passwords included ({@code root},
   * {@code admin}, {@code postgres}, {@code 123456}: they work, and they are the first an
   * attacker tries). Not a placeholder ({@code changeme}, <code>{{ .Values.pw }}</code>), a test
   * marker, a path, a URL, an e-mail address, a password hash, a setting word ({@code prompt},
   * {@code hidden}), the name of a variable or property that holds it ({@code DB_PASSWORD},
   * {@code db.password}), a placeholder word with digits ({@code password1}), a translation of
   * the word password ({@code Passwort}) or words with spaces between them (a label or a
   * sentence: {@code Mot de passe}, {@code Enter a password}).
   */
  public static boolean isLiteralPassword(String value) {
    String v = value.strip();
    if (APP_PASSWORD.matcher(v).matches()) {
      return true;
    }
    if (v.length() < MIN_PASSWORD || v.length() > 256 || v.chars().anyMatch(Character::isWhitespace)
        || isPlaceholder(v) || isTestMarker(v) || isSecretFileReference(v)
        || isNotASecretShape(v) || EMAIL.matcher(v).matches() || PASSWORD_HASH.matcher(v).matches()
        || REFERENCE_NAME.matcher(v).matches() || Translations.isWordPassword(v)) {
      return false;
    }
    // Unlike in program source, a value that spells its kind (ComplexPassword123) is the
    // password: configuration holds values, not the names of fields.
    String l = v.toLowerCase(Locale.ROOT);
    String word = l.replaceFirst("[0-9]+$", "");
    return !PASSWORD_SETTINGS.contains(l)
        && (word.isEmpty() || !PLACEHOLDER_WORD.matcher(word).matches());
  }

  /**
   * Whether a value is spelled only from words that name a placeholder or a secret's kind, with
   * at most a counting run of digits: {@code DemoPassPhrase123456}, {@code MySecretKey2024},
   * {@code SuperSecretToken_123}. A person typed it as a label for a demo; its capitals and
   * digits do not make it random. Any other word ({@code DemoKey8f3kQ29xLw}) or digits that do
   * not count ({@code PassPhrase73k9}) keep it a candidate.
   */
  static boolean isWordyPlaceholder(String v) {
    java.util.regex.Matcher m = WORD_PART.matcher(v);
    int words = 0;
    int at = 0;
    while (m.find()) {
      if (m.start() != at && !SEPARATORS.matcher(v.substring(at, m.start())).matches()) {
        return false;
      }
      at = m.end();
      String part = m.group();
      if (Character.isDigit(part.charAt(0))) {
        if (!COUNTING.matcher(part).matches()) {
          return false;
        }
      } else if (PLACEHOLDER_PARTS.contains(part.toLowerCase(Locale.ROOT))) {
        words++;
      } else {
        return false;
      }
    }
    return words >= 2 && (at == v.length() || SEPARATORS.matcher(v.substring(at)).matches());
  }

  /**
   * Whether a literal in a comment or in documentation looks machine-generated enough to be a
   * committed credential rather than an example: a commented-out {@code password = "devpass1"}
   * is documentation, a 20-character random string is not.
   */
  static boolean looksGenerated(String v) {
    return v.length() >= 16 && classes(v) >= 3 && entropy(v) >= 3.5 && !isTestMarker(v);
  }

  /**
   * Below this many bits of {@link #guessBits} a value is guessable: whoever holds a fingerprint
   * key could test a dictionary of such values against a keyed fingerprint of one.
   */
  public static final double STRONG_BITS = 72;

  /**
   * Whether a value a person may have chosen is weak enough to be found by trying guesses
   * against its keyed fingerprint: under {@link #STRONG_BITS} by {@link #guessBits}, or a run
   * of few distinct characters. See docs/output-formats.md#guessable-values.
   */
  public static boolean isGuessable(String v) {
    return guessBits(v) < STRONG_BITS || entropy(v) < 2.5;
  }

  /**
   * A pessimistic count of the bits an attacker must guess, run by run: a run of letters counts
   * its first four letters in full (4.7 bits, 5.7 in mixed case) and two bits for each further
   * letter (the rest of a word is predictable); digits 3.3 bits each, a counting run
   * ({@code 123}, a year) four bits in all; any other character five bits.
   */
  static double guessBits(String v) {
    double bits = 0;
    int i = 0;
    while (i < v.length()) {
      int kind = charKind(v.charAt(i));
      int j = i + 1;
      while (j < v.length() && charKind(v.charAt(j)) == kind) {
        j++;
      }
      bits += runBits(v.substring(i, j), kind);
      i = j;
    }
    return bits;
  }

  private static int charKind(char c) {
    return Character.isLetter(c) ? 0 : c >= '0' && c <= '9' ? 1 : 2;
  }

  private static double runBits(String run, int kind) {
    int n = run.length();
    if (kind == 1) {
      return COUNTING.matcher(run).matches() ? Math.min(4, n * 3.32) : n * 3.32;
    }
    if (kind == 2) {
      return n * 5.0;
    }
    double perLetter = run.equals(run.toLowerCase(Locale.ROOT))
        || run.equals(run.toUpperCase(Locale.ROOT)) ? 4.7 : 5.7;
    return Math.min(n, 4) * perLetter + Math.max(0, n - 4) * 2.0;
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
   * A secret bound to a secret-looking name: a literal that is not a placeholder, a test value,
   * a path (including a mounted secret file), a plain URL or a {@code host:port}, at least six
   * characters long. A value with a literal default ({@link #fallback}) is judged by it.
   */
  public static Optional<SecretHit> assignment(String name, String value) {
    if (!isSecretName(name) || value == null) {
      return Optional.empty();
    }
    String v = stripQuotes(value.trim());
    Fallback fallback = fallback(v);
    if (fallback != null) {
      v = fallback.literal().trim();
    }
    if (isCredentialOnlyName(name) ? !isLiteralPassword(v)
        : v.length() < 6 || isPlaceholder(v) || isTestMarker(v) || isSecretFileReference(v)
            || PASSWORD_SETTINGS.contains(v.toLowerCase(Locale.ROOT))
            || isNotASecretShape(v) && !URL_SECRET_NAME.matcher(name).matches()) {
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
