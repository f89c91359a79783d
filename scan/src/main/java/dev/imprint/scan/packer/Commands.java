package dev.imprint.scan.packer;

import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.shell.CommandLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What provisioner commands do that the rules care about: secrets written into them, downloads
 * piped into an interpreter, and files removed. Every pattern has bounded repetitions and runs
 * on lines of at most {@link #MAX_LINE} characters.
 */
final class Commands {
  static final int MAX_LINE = 4000;
  private static final Pattern ASSIGNMENT = Pattern.compile(
      "(?<![A-Za-z0-9_$-])([A-Za-z_][A-Za-z0-9_]{0,100})=(\"[^\"\\n]{0,500}\"|'[^'\\n]{0,500}'"
          + "|[^\\s;&|\"'`]{1,500})");
  private static final Pattern FLAG = Pattern.compile(
      "(?<![A-Za-z0-9_-])--?([A-Za-z][A-Za-z0-9_-]{0,60})(?:=|\\s{1,10})(\"[^\"\\n]{0,500}\""
          + "|'[^'\\n]{0,500}'|[^\\s;&|\"'`]{1,500})");
  private static final Pattern SECRET_FLAG = Pattern.compile(
      "(?i)(?:[a-z0-9]{1,30}[-_]){0,3}(?:password|passwd|pass|token|secret|api[-_]?key"
          + "|client[-_]secret|access[-_]key|secret[-_]key)");
  private static final Pattern REMOVE = Pattern.compile(
      "(?i)(?<![A-Za-z0-9_-])(rm|shred|unlink|srm|del|erase|remove-item|rmdir)(?![A-Za-z0-9_-])");

  /** Values that name or reach a secret rather than hold one: URLs without a password, paths. */
  private static final Pattern NOT_A_VALUE = Pattern.compile(
      "(?i)[a-z][a-z0-9+.-]{0,30}://[^@\\s]{0,2000}|[/~.][^\\s]{0,2000}"
          + "|.{0,2000}\\$\\{?[A-Za-z_].{0,2000}");

  /** {@code $NAME}, {@code ${NAME}}, {@code ${var.name}}, <code>{{user `name`}}</code>. */
  private static final Pattern REFERENCE = Pattern.compile(
      "\\$\\{\\s{0,5}var\\.([A-Za-z0-9_-]{1,100})\\s{0,5}}|\\$\\{?([A-Za-z_][A-Za-z0-9_]{0,100})"
          + "|\\{\\{\\s{0,5}user\\s{1,5}[`\"]([A-Za-z0-9_.-]{1,100})[`\"]\\s{0,5}}}"
          + "|\\{\\{\\s{0,5}\\.([A-Za-z0-9_]{1,100})\\s{0,5}}}");
  /** Output into a file: a redirect (not to /dev/...) or tee. */
  private static final Pattern WRITE = Pattern.compile(
      "(?<![0-9&<>])>>?+\\s{0,10}(?!&|/dev/)[^\\s&|;>]|\\|\\s{0,10}(?:sudo\\s{1,10})?tee\\b");
  private static final Pattern HEREDOC = Pattern.compile("<<-?\\s{0,5}['\"]?([A-Za-z_]{1,40})");

  private Commands() {}

  /**
   * The secrets a command writes into files of the image: the first secret-named or sensitive
   * variable (a shell variable, {@code ${var.x}}, <code>{{user `x`}}</code>) on a line that
   * writes to a file, or inside a here-document that does; one per line, with its 0-based line.
   *
   * @param sensitive template variables marked sensitive, whatever their names
   */
  static List<Written> secretWrites(String command, java.util.Set<String> sensitive) {
    List<Written> out = new ArrayList<>();
    List<String> lines = lines(command);
    String heredocEnd = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (heredocEnd != null) {
        if (line.trim().equals(heredocEnd)) {
          heredocEnd = null;
          continue;
        }
        String ref = secretReference(line, sensitive);
        if (ref != null) {
          out.add(new Written(ref, i));
        }
        continue;
      }
      boolean writes = WRITE.matcher(line).find();
      Matcher doc = HEREDOC.matcher(line);
      if (writes && doc.find()) {
        heredocEnd = doc.group(1);
        continue;
      }
      String ref = writes ? secretReference(line, sensitive) : null;
      if (ref != null) {
        out.add(new Written(ref, i));
      }
    }
    return out;
  }

  /** A secret written into a file: the reference as written, and its 0-based line. */
  record Written(String reference, int line) {}

  private static String secretReference(String line, java.util.Set<String> sensitive) {
    Matcher m = REFERENCE.matcher(line);
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
          : m.group(3) != null ? m.group(3) : m.group(4);
      if (sensitive.contains(name) || Secrets.isSecretName(name)) {
        return m.group();
      }
    }
    return null;
  }

  /**
   * A literal bound to a name that is a secret: the shared heuristics, minus URLs without
   * credentials, paths and values that expand a shell variable.
   */
  static Optional<SecretHit> literal(String name, String value) {
    String v = value.trim();
    if (NOT_A_VALUE.matcher(v).matches()) {
      return Optional.empty();
    }
    return Secrets.assignment(name, v);
  }

  /**
   * A secret in a command: what it is, its hit (evidence only, never the raw value) and the
   * 0-based line of the command it is on.
   */
  record Secret(String what, SecretHit hit, int line) {}

  /** A download run unverified, and the 0-based line of the command it is on. */
  record Pipe(String what, int line) {}

  /**
   * The secrets in a command: provider-specific detections, then secret-named variables and
   * flags bound to literals; one per fingerprint.
   */
  static List<Secret> secrets(String command) {
    Map<String, Secret> out = new LinkedHashMap<>();
    for (SecretHit h : SecretDetectors.find(command)) {
      if (h.detector().equals("generic-assignment") && h.start() >= 0
          && h.end() <= command.length()
          && NOT_A_VALUE.matcher(command.substring(h.start(), h.end())).matches()) {
        continue;
      }
      out.putIfAbsent(h.evidence().fingerprint(), new Secret(h.kind(), h,
          newlines(command, h.start())));
    }
    for (CommandLine.Secret s : CommandLine.secrets(command)) {
      SecretEvidence evidence = SecretEvidence.of(s.value());
      out.putIfAbsent(evidence.fingerprint(), new Secret(s.what(), new SecretHit("password",
          "command-line", 0, s.value().length(), evidence), newlines(command, s.offset())));
    }
    List<String> lines = lines(command);
    for (int i = 0; i < lines.size(); i++) {
      bound(ASSIGNMENT.matcher(lines.get(i)), false, i, out);
      bound(FLAG.matcher(lines.get(i)), true, i, out);
    }
    return List.copyOf(out.values());
  }

  private static int newlines(String text, int end) {
    int n = 0;
    for (int i = 0; i < Math.min(end, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  private static void bound(Matcher m, boolean flag, int line, Map<String, Secret> out) {
    while (m.find()) {
      String name = m.group(1);
      if (flag && !SECRET_FLAG.matcher(name).matches()) {
        continue;
      }
      String value = unquote(m.group(2));
      Optional<SecretHit> hit = literal(name, value);
      if (hit.isPresent() && !value.startsWith("-")) {
        String what = (flag ? "option --" : "variable ") + name;
        out.putIfAbsent(hit.get().evidence().fingerprint(), new Secret(what, hit.get(), line));
      }
    }
  }

  /**
   * The first download a command runs unverified ({@code "curl output piped into sh"}), as the
   * shared shell model ({@link CommandLine#pipes}) judges it, or empty.
   */
  static Optional<Pipe> pipeToShell(String command) {
    return CommandLine.pipes(command).stream().findFirst()
        .map(p -> new Pipe(p.what(), newlines(command, p.offset())));
  }

  /** Whether a command removes files and names one of the given paths. */
  static boolean removesAny(String command, List<String> paths) {
    for (String line : lines(command)) {
      if (REMOVE.matcher(line).find()) {
        for (String p : paths) {
          if (!p.isEmpty() && line.contains(p)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The lines of a command, each cut to {@link #MAX_LINE} characters. */
  static List<String> lines(String command) {
    List<String> out = new ArrayList<>();
    for (String l : command.split("\n", 1000)) {
      out.add(l.length() > MAX_LINE ? l.substring(0, MAX_LINE) : l);
    }
    return out;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }
}
