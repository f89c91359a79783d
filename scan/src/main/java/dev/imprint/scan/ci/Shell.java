package dev.imprint.scan.ci;

import dev.imprint.scan.shell.CommandSubstitution;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rough shell reading shared by the CI rules: logical lines, words, pipelines, and the two
 * questions the rules ask of a line: does it send a secret somewhere, does it print one.
 */
final class Shell {
  /** Longest logical line looked at; longer ones are cut (bounded work on hostile input). */
  static final int MAX_LINE = 4000;
  static final Pattern REF = Pattern.compile("\\$\\{\\{[^}\\n]{0,200}}}"
      + "|\\$\\{[A-Za-z_][A-Za-z0-9_.]{0,100}}|\\$[A-Za-z_][A-Za-z0-9_]{0,100}"
      + "|%[A-Za-z_][A-Za-z0-9_]{0,100}%|\\$env:[A-Za-z_][A-Za-z0-9_]{0,100}");
  private static final Pattern ENV_DUMP = Pattern.compile(
      "(?:^|[;&|(`\\s])(?:env|printenv|set)\\s*(?:\\||\\)|`)|toJSON\\(\\s*secrets\\s*\\)"
          + "|\\$\\(\\s*(?:env|printenv)\\s*\\)|Get-ChildItem\\s+env:");
  private static final Set<String> NETWORK =
      Set.of("curl", "wget", "nc", "ncat", "netcat", "socat", "invoke-webrequest",
          "invoke-restmethod", "iwr", "irm");
  private static final Set<String> RAW_SOCKET = Set.of("nc", "ncat", "netcat", "socat");
  /** Tools that open a raw connection to a host given as an argument. */
  static final Set<String> RAW_SOCKETS = RAW_SOCKET;
  private static final Set<String> DATA_FLAGS = Set.of("-d", "--data", "--data-raw",
      "--data-binary", "--data-urlencode", "--data-ascii", "-F", "--form", "--form-string",
      "--post-data", "--body-data", "-body", "--json", "-T", "--upload-file");
  /** Words that run the next word as the command. */
  private static final Set<String> WRAPPERS =
      Set.of("sudo", "exec", "time", "command", "nohup", "builtin", "then", "do", "else");
  private static final Set<String> PRINT =
      Set.of("echo", "printf", "write-host", "write-output", "print", "cat");

  private Shell() {}

  /** A logical line: its text and the 0-based index of its first physical line. */
  record Line(String text, int index) {}

  /** Splits a script into logical lines, joining backslash and backtick continuations. */
  static List<Line> lines(String script) {
    List<Line> out = new ArrayList<>();
    String[] physical = script.split("\n", -1);
    StringBuilder sb = new StringBuilder();
    int start = 0;
    for (int i = 0; i < physical.length; i++) {
      String p = physical[i].stripTrailing();
      if (sb.isEmpty()) {
        start = i;
      }
      boolean cont = p.endsWith("\\") || p.endsWith(" `");
      if (sb.length() < MAX_LINE) {
        sb.append(cont ? p.substring(0, p.length() - 1) : p).append(' ');
      }
      if (!cont) {
        String t = sb.toString().trim();
        out.add(new Line(t.length() > MAX_LINE ? t.substring(0, MAX_LINE) : t, start));
        sb.setLength(0);
      }
    }
    if (!sb.isEmpty()) {
      out.add(new Line(sb.toString().trim(), start));
    }
    return out;
  }

  /**
   * The words of a line with quotes removed; pipes, semicolons and ampersands are words. A
   * command substitution ({@code $(...)} or backticks) is part of the word it appears in and is
   * kept verbatim, as the shell reads it: its pipes and separators split the commands inside
   * it ({@link #commands}), not the line around it.
   */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      int end = quote == '\'' ? -1 : CommandSubstitution.end(line, i);
      if (end > 0) {
        w.append(line, i, end);
        i = end - 1;
      } else if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (Character.isWhitespace(c)) {
        flush(w, out);
      } else if (c == '|' || c == ';' || c == '&') {
        flush(w, out);
        out.add(String.valueOf(c));
      } else {
        w.append(c);
      }
    }
    flush(w, out);
    return out;
  }

  private static void flush(StringBuilder w, List<String> out) {
    if (!w.isEmpty()) {
      out.add(w.toString());
      w.setLength(0);
    }
  }

  /**
   * One command of a line: its words, whether its output is piped into the next command or
   * comes from the one before, and whether it runs inside a command substitution (its output
   * is then captured into the command around it, not printed).
   */
  record Command(List<String> words, boolean pipedOut, boolean pipedIn, boolean captured) {
    String name() {
      for (String w : words) {
        if (WRAPPERS.contains(w)) {
          continue;
        }
        if (!w.contains("=") || w.startsWith("-")) {
          String n = w.toLowerCase(Locale.ROOT);
          int slash = n.lastIndexOf('/');
          return slash >= 0 ? n.substring(slash + 1) : n;
        }
      }
      return "";
    }
  }

  /**
   * The commands of a line: words split at pipes and command separators, then the commands
   * inside each command substitution ({@code X=$(curl -d "$T" https://x)} runs curl), marked as
   * captured.
   */
  static List<Command> commands(String line) {
    return commands(line, false, 0);
  }

  private static List<Command> commands(String line, boolean captured, int depth) {
    List<Command> out = new ArrayList<>();
    List<String> cur = new ArrayList<>();
    boolean pipedIn = false;
    List<String> ws = words(line);
    for (int i = 0; i < ws.size(); i++) {
      String w = ws.get(i);
      boolean pipe = w.equals("|") && (i + 1 >= ws.size() || !ws.get(i + 1).equals("|"))
          && (i == 0 || !ws.get(i - 1).equals("|"));
      if (w.equals("|") || w.equals(";") || w.equals("&")) {
        if (!cur.isEmpty()) {
          out.add(new Command(List.copyOf(cur), pipe, pipedIn, captured));
        }
        cur.clear();
        pipedIn = pipe;
      } else {
        cur.add(w);
      }
    }
    if (!cur.isEmpty()) {
      out.add(new Command(List.copyOf(cur), false, pipedIn, captured));
    }
    if (depth < MAX_NESTING) {
      for (String body : substitutions(line)) {
        out.addAll(commands(body, true, depth + 1));
      }
    }
    return out;
  }

  /** Deepest command substitution read; deeper ones are left as words (bounded work). */
  private static final int MAX_NESTING = 8;

  /**
   * The bodies of the outermost command and process substitutions of a line
   * ({@link CommandSubstitution#bodies}).
   */
  static List<String> substitutions(String line) {
    return CommandSubstitution.bodies(line).stream().map(CommandSubstitution.Body::text).toList();
  }

  /** Whether a command name is a network tool (curl, wget, netcat, PowerShell's web calls). */
  static boolean isNetwork(String name) {
    return NETWORK.contains(name);
  }

  /** Whether some reference in the text is a secret, by the caller's judgement. */
  static boolean hasSecret(String text, Predicate<String> isSecretRef) {
    Matcher m = REF.matcher(text);
    while (m.find()) {
      if (isSecretRef.test(m.group())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why a line sends secrets to the network, or {@code null}: an environment dump piped to or
   * embedded in a network call, a secret in a URL or request body, or a secret piped into a
   * network tool. Authorization headers and {@code -u} are ordinary credential use.
   */
  static String exfiltration(String line, Predicate<String> isSecretRef,
      Predicate<String> trustedUrl) {
    List<Command> cmds = commands(line);
    boolean network = false;
    for (Command c : cmds) {
      network |= NETWORK.contains(c.name());
    }
    if (!network) {
      return null;
    }
    if (ENV_DUMP.matcher(line).find()) {
      return "sends an environment or secrets dump over the network";
    }
    boolean secretPipedIn = false;
    for (Command c : cmds) {
      String name = c.name();
      if (NETWORK.contains(name)) {
        if (secretPipedIn && (RAW_SOCKET.contains(name) || c.words().contains("@-"))) {
          return "pipes a secret into " + name;
        }
        String why = secretArgument(c, name, isSecretRef, trustedUrl);
        if (why != null) {
          return why;
        }
      }
      boolean secretHere = hasSecret(String.join(" ", c.words()), isSecretRef);
      secretPipedIn = c.pipedOut() && (secretHere || secretPipedIn);
    }
    return null;
  }

  private static String secretArgument(Command c, String name, Predicate<String> isSecretRef,
      Predicate<String> trustedUrl) {
    List<String> ws = c.words();
    for (int i = 1; i < ws.size(); i++) {
      String w = ws.get(i);
      if (!hasSecret(w, isSecretRef)) {
        continue;
      }
      if (RAW_SOCKET.contains(name)) {
        return "passes a secret to " + name;
      }
      if (w.contains("://") && !trustedUrl.test(w)) {
        return "puts a secret into the URL of a " + name + " request";
      }
      String prev = ws.get(i - 1);
      int eq = w.indexOf('=');
      boolean attached = w.startsWith("--") && eq > 0 && DATA_FLAGS.contains(w.substring(0, eq));
      if ((DATA_FLAGS.contains(prev) || attached) && !urlIsTrusted(ws, trustedUrl)) {
        return "sends a secret in the body of a " + name + " request";
      }
    }
    return null;
  }

  private static boolean urlIsTrusted(List<String> ws, Predicate<String> trustedUrl) {
    for (String w : ws) {
      if (w.contains("://") || w.startsWith("$") && w.toUpperCase(Locale.ROOT).contains("URL")) {
        return trustedUrl.test(w);
      }
    }
    return false;
  }

  /**
   * Whether a line prints a secret to the log: echo/printf (or a PowerShell equivalent) of a
   * secret reference, not piped into another command and not redirected to a file.
   */
  static boolean printsSecret(String line, Predicate<String> isSecretRef) {
    for (Command c : commands(line)) {
      if (!PRINT.contains(c.name()) || c.pipedOut() || c.captured()) {
        continue;
      }
      boolean redirected = false;
      StringBuilder args = new StringBuilder();
      for (String w : c.words()) {
        if (w.startsWith(">") || w.startsWith("1>") || w.startsWith("2>")) {
          redirected = true;
        }
        args.append(w).append(' ');
      }
      // "::add-mask::$TOKEN" is how a GitHub step asks the runner to mask a value.
      if (!redirected && !args.toString().contains("::add-mask::")
          && hasSecret(args.toString(), isSecretRef)) {
        return true;
      }
    }
    return false;
  }
}
