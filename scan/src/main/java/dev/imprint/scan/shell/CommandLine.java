package dev.imprint.scan.shell;

import dev.imprint.scan.secret.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The two questions every analyzer that reads shell asks of a command, decided once here so that
 * a Dockerfile RUN, a CI script, a Terraform or Packer provisioner and a container command judge
 * them alike: does the command write a credential into its own arguments or environment
 * ({@code mysql -uroot -pS3cret}, {@code sshpass -p pw ssh}, {@code PGPASSWORD=pw psql},
 * {@code --password=pw}, {@code curl -u user:pw}), and does it run a download unverified
 * ({@code curl ... | sh}, {@code bash <(curl ...)}, {@code sh -c "$(wget -O- ...)"},
 * {@code iex (iwr ...)}). A value that the shell expands ({@code $PW}, {@code ${var.pw}}) or a
 * placeholder ({@code <password>}, <code>{{ .pw }}</code>) is a reference, never a secret; a
 * password fed on standard input ({@code --password-stdin}) is the recommended form.
 */
public final class CommandLine {
  /** The MySQL and MariaDB clients: {@code -pVALUE} glued is the password, {@code -p} prompts. */
  private static final Set<String> MYSQL = Set.of("mysql", "mysqladmin", "mysqldump",
      "mysqlimport", "mysqlshow", "mysqlcheck", "mysqlpump", "mysqlslap", "mysqlbinlog",
      "mariadb", "mariadb-dump", "mariadb-admin", "mariadb-import", "mariadb-check",
      "mariadb-show");
  /** Registry and cluster clients whose {@code login -p VALUE} is the password. */
  private static final Set<String> LOGINS = Set.of("docker", "podman", "buildah", "skopeo",
      "nerdctl", "helm", "oras", "crane", "npm", "cf", "oc", "az", "regctl", "singularity",
      "apptainer");
  /**
   * Redis's password options, which the generic secret-option names miss: the client's
   * {@code -a PASSWORD}, the server's {@code --requirepass} and {@code --masterauth}.
   */
  private static final java.util.Map<String, Set<String>> REDIS = java.util.Map.of(
      "redis-cli", Set.of("-a"), "redis-server", Set.of("--requirepass", "--masterauth"),
      "valkey-cli", Set.of("-a"), "valkey-server", Set.of("--requirepass", "--masterauth"));
  /** Environment variables the database clients read their password from. */
  private static final Set<String> PASSWORD_ENV = Set.of("PGPASSWORD", "MYSQL_PWD", "SSHPASS",
      "REDISCLI_AUTH", "MSSQL_SA_PASSWORD", "SQLCMDPASSWORD", "ISQL_PASSWORD");
  /** Option names (without dashes) that hold a credential whichever program takes them. */
  private static final Pattern SECRET_OPTION = Pattern.compile(
      "(?i)([a-z0-9]{1,20}[-_]){0,3}(password|passwd|pass|pwd|passphrase|token|secret|api[-_]?key"
          + "|client[-_]secret|access[-_]key|secret[-_]key|auth[-_]token)");
  /** Programs that fetch a URL and print what it serves. */
  private static final Set<String> DOWNLOADS = Set.of("curl", "wget", "fetch", "iwr", "irm",
      "invoke-webrequest", "invoke-restmethod");
  /** Interpreters that run the script they read on standard input or from a substitution. */
  private static final Set<String> INTERPRETERS = Set.of("sh", "bash", "zsh", "dash", "ash",
      "ksh", "mksh", "python", "python2", "python3", "perl", "ruby", "node", "php", "pwsh",
      "powershell", "iex", "invoke-expression");
  /** Builtins that run a script given as an argument or a process substitution. */
  private static final Set<String> EVALUATORS = Set.of("eval", "source", ".");
  /** Shell options after which the script is an argument ({@code -c}, {@code -ec}). */
  private static final Pattern SHELL_CODE = Pattern.compile("-[a-zA-Z]*c[a-zA-Z]*");
  /** Other interpreters' options after which the code is an argument or a module. */
  private static final Pattern CODE_OPTION = Pattern.compile(
      "-[a-zA-Z]*[cmeEp][a-zA-Z]*|--eval|--print|--command|-(?i:command|encodedcommand|file)");
  private static final Set<String> SHELLS =
      Set.of("sh", "bash", "zsh", "dash", "ash", "ksh", "mksh");
  private static final Pattern POWERSHELL_DOWNLOAD = Pattern.compile("(?i)downloadstring"
      + "|(?<![a-z0-9-])(iwr|irm|invoke-webrequest|invoke-restmethod)(?![a-z0-9-])");

  /** A word the shell reads as itself, with nothing to quote. */
  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:=@+,-]+");

  private CommandLine() {}

  /**
   * A credential written on a command line.
   *
   * @param what how it is passed, e.g. {@code "mysql password (-p)"}; never the value
   * @param value the literal, for evidence and fingerprints only
   * @param offset offset of the command in the script
   */
  public record Secret(String what, String value, int offset) {}

  /**
   * A download run unverified.
   *
   * @param what e.g. {@code "curl output piped into sh"}
   * @param offset offset of the command that runs it in the script
   */
  public record Pipe(String what, int offset) {}

  /**
   * An exec-form command ({@code ["sh", "-c", "mysql -pX"]}, a container's command and args) as
   * a script the shell model reads: each word single-quoted, so that it stays one word, while
   * the script of an {@code sh -c} is still read as shell.
   */
  public static String execForm(List<String> words) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      if (PLAIN_WORD.matcher(w).matches()) {
        sb.append(w);
      } else {
        sb.append('\'').append(w.replace("'", "'\\''")).append('\'');
      }
    }
    return sb.toString();
  }

  /** The credentials written on the command lines of a script, one per command at most. */
  public static List<Secret> secrets(String script) {
    List<Secret> out = new ArrayList<>();
    for (Shell.Command c : Shell.commands(script)) {
      secret(c).ifPresent(out::add);
    }
    return out;
  }

  /** The downloads a script runs unverified, one per command at most. */
  public static List<Pipe> pipes(String script) {
    List<Shell.Command> cmds = Shell.commands(script);
    List<Pipe> out = new ArrayList<>();
    for (int k = 0; k < cmds.size(); k++) {
      pipe(script, cmds, k).ifPresent(out::add);
    }
    return out;
  }

  /** The credential one command writes into its arguments or its environment, if any. */
  public static Optional<Secret> secret(Shell.Command c) {
    String n = c.name();
    List<String> a = c.args();
    for (int k = 0; k < a.size(); k++) {
      String w = a.get(k);
      String next = k + 1 < a.size() ? a.get(k + 1) : null;
      Secret s = null;
      if (MYSQL.contains(n) && w.startsWith("-p") && w.length() > 2 && !w.startsWith("-p=")) {
        s = literal(n + " password (-p)", w.substring(2), c, Secrets.MIN_PASSWORD);
      } else if (MYSQL.contains(n) && w.startsWith("--password=")) {
        s = literal(n + " password (--password=)", w.substring(11), c,
            Secrets.MIN_PASSWORD);
      } else if (n.equals("sshpass") && w.startsWith("-p")) {
        s = literal("sshpass password (-p)", w.length() > 2 ? w.substring(2) : next, c,
            Secrets.MIN_PASSWORD);
      } else if (REDIS.getOrDefault(n, Set.of()).contains(w)) {
        s = literal(n + " password (" + w + ")", next, c, Secrets.MIN_PASSWORD);
      } else if (LOGINS.contains(n) && (w.equals("-p") || w.equals("--password"))) {
        s = literal(n + " login password", next, c, Secrets.MIN_PASSWORD);
      } else if ((n.equals("curl") && (w.equals("-u") || w.equals("--user"))
          || n.equals("curl") && w.startsWith("-u") && w.length() > 2)) {
        String up = w.length() > 2 && !w.startsWith("--") ? w.substring(2) : next;
        int colon = up == null ? -1 : up.indexOf(':');
        s = colon > 0 ? literal("curl user password", up.substring(colon + 1), c,
            Secrets.MIN_PASSWORD) : null;
      } else if (w.startsWith("--") && w.indexOf('=') > 2) {
        String option = w.substring(2, w.indexOf('='));
        s = isSecretOption(option) ? literal("--" + option + " value",
            w.substring(w.indexOf('=') + 1), c, Secrets.MIN_PASSWORD) : null;
      } else if (w.startsWith("--") && next != null && !MYSQL.contains(n)
          && isSecretOption(w.substring(2)) && !next.startsWith("-")) {
        s = literal(w + " value", next, c, Secrets.MIN_PASSWORD);
      } else if (n.equals("export") || w.equals("-e") || w.equals("--env")
          || w.equals("--build-arg") || w.startsWith("--build-arg=") || w.startsWith("--env=")) {
        String kv = w.startsWith("--") && w.contains("=") ? w.substring(w.indexOf('=') + 1)
            : n.equals("export") ? w : next;
        s = kv == null ? null : assignment(kv, c);
      }
      if (s != null) {
        return Optional.of(s);
      }
    }
    for (String as : c.assignments()) {
      Secret s = assignment(as, c);
      if (s != null) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * The download that the {@code k}-th command runs: a download earlier in its pipeline read
   * as a script on standard input ({@code curl ... | sudo bash -s}), a download in a command or
   * process substitution it runs ({@code bash <(curl ...)}, {@code eval "$(curl ...)"}), or a
   * PowerShell {@code iex} of a download on its line.
   */
  private static Optional<Pipe> pipe(String script, List<Shell.Command> cmds, int k) {
    Shell.Command c = cmds.get(k);
    String n = c.name();
    if (INTERPRETERS.contains(n) && readsStdin(c)) {
      for (int j = k - 1; j >= 0 && cmds.get(j + 1).pipedInto(); j--) {
        if (DOWNLOADS.contains(cmds.get(j).name())) {
          return Optional.of(new Pipe(cmds.get(j).name() + " output piped into " + n,
              c.offset()));
        }
      }
    }
    if (INTERPRETERS.contains(n) || EVALUATORS.contains(n)) {
      for (CommandSubstitution.Body b : CommandSubstitution.bodies(c.text())) {
        List<Shell.Command> inner = Shell.commands(b.text());
        if (!inner.isEmpty() && DOWNLOADS.contains(inner.get(0).name())
            && !savesToFile(inner.get(0))) {
          return Optional.of(new Pipe(inner.get(0).name() + " output run by " + n,
              c.offset()));
        }
      }
    }
    int eol = script.indexOf('\n', Math.min(script.length(), c.offset()));
    String rest = script.substring(Math.min(script.length(), c.offset()),
        eol < 0 ? script.length() : eol);
    if ((n.equals("iex") || n.equals("invoke-expression"))
        && POWERSHELL_DOWNLOAD.matcher(rest).find()) {
      return Optional.of(new Pipe("download run by " + n, c.offset()));
    }
    return Optional.empty();
  }

  /** Whether an option name ({@code password}, {@code db-password}) holds a credential. */
  static boolean isSecretOption(String option) {
    return SECRET_OPTION.matcher(option).matches() && Secrets.isSecretName(option)
        && !option.toLowerCase(Locale.ROOT).endsWith("-stdin");
  }

  private static Secret assignment(String kv, Shell.Command c) {
    int eq = kv.indexOf('=');
    if (eq <= 0) {
      return null;
    }
    String name = kv.substring(0, eq);
    String value = kv.substring(eq + 1);
    if (PASSWORD_ENV.contains(name.toUpperCase(Locale.ROOT))
        || Secrets.isCredentialOnlyName(name)) {
      return literal(name, value, c, Secrets.MIN_PASSWORD);
    }
    return Secrets.assignment(name, value).isPresent() ? literal(name, value, c, 6) : null;
  }

  /** A literal long enough to be a password and neither a reference nor a placeholder. */
  private static Secret literal(String what, String value, Shell.Command c, int min) {
    if (value == null || value.length() < min || value.contains("$") || value.startsWith("-")
        || value.startsWith("@") || value.startsWith("<") || value.contains("%")
        || value.startsWith("/") || value.startsWith("~") || value.startsWith("./")
        || value.startsWith("../") || Secrets.isPlaceholder(value) || Secrets.isTestMarker(value)
        || Secrets.isSecretFileReference(value)) {
      return null;
    }
    return new Secret(what, value, c.offset());
  }

  /** Whether an interpreter reads its script from standard input. */
  private static boolean readsStdin(Shell.Command c) {
    for (String a : c.args()) {
      if (a.equals("-s") || a.equals("-")) {
        return true;
      }
      if ((SHELLS.contains(c.name()) ? SHELL_CODE : CODE_OPTION).matcher(a).matches()) {
        return false;
      }
      if (!a.startsWith("-")) {
        // A script file as operand: the interpreter runs it, and stdin is its input.
        return false;
      }
    }
    return true;
  }

  private static boolean savesToFile(Shell.Command download) {
    for (String a : download.args()) {
      if (a.equals("-o") || a.equals("--output") || a.startsWith("--output=")
          || download.name().equals("wget") && a.startsWith("-O") && !a.equals("-O-")
          && !a.equals("-O") || a.equals("-OutFile")) {
        return true;
      }
    }
    return false;
  }
}
