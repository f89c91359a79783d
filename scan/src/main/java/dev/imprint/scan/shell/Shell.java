package dev.imprint.scan.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small, bounded reader of shell scripts: enough to see commands, pipes and arguments. The
 * commands it yields are the ones the shell runs, whatever wraps them: lists and pipelines
 * ({@code ;}, {@code &&}, {@code ||}, {@code |}, {@code &}), subshells and groups, command and
 * process substitutions ({@code X=$(curl ...)}, backticks, {@code <(curl ...)}), the scripts of
 * {@code sh -c} and {@code su -c}, and wrappers with their options ({@code sudo -u app},
 * {@code env -i A=B}, {@code timeout 60}, {@code nice -n 10}, {@code gosu user}).
 */
public final class Shell {
  /** Reserved words and wrappers that take no operand: the next word is the command. */
  private static final Set<String> PREFIXES = Set.of("sudo", "doas", "env", "exec", "then", "do",
      "else", "if", "elif", "!", "{", "}", "fi", "done", "esac", "time", "nohup", "command",
      "builtin", "while", "until", "nice", "ionice", "stdbuf", "setsid", "chpst", "runuser",
      "timeout", "gosu", "su-exec", "chroot", "xargs");
  /** Options of wrappers that take a value ({@code sudo -u app}, {@code env -u NAME}). */
  private static final Map<String, Set<String>> VALUE_OPTIONS = Map.of(
      "sudo", Set.of("-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R"),
      "doas", Set.of("-u", "-C"),
      "env", Set.of("-u", "-C", "-S", "--unset", "--chdir", "--split-string"),
      "exec", Set.of("-a"),
      "nice", Set.of("-n", "--adjustment"),
      "ionice", Set.of("-c", "-n", "-p", "--class", "--classdata"),
      "timeout", Set.of("-s", "-k", "--signal", "--kill-after"),
      "runuser", Set.of("-u", "-g", "-G", "--user", "--group"),
      "chpst", Set.of("-u", "-U", "-e", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c"),
      "xargs", Set.of("-I", "-n", "-P", "-d", "-E", "-L", "-s", "-a"));
  /** Wrappers followed by one operand before the command (a duration, a user, a root). */
  private static final Set<String> ONE_OPERAND = Set.of("timeout", "gosu", "su-exec", "chroot");
  /** Programs whose {@code -c} option takes a script the program runs. */
  private static final Set<String> SCRIPT_RUNNERS =
      Set.of("sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox", "su");
  /** {@code -c}, alone or among other single-letter options ({@code -ec}, {@code -euxc}). */
  private static final Pattern SCRIPT_OPTION = Pattern.compile("-[a-zA-Z]*c[a-zA-Z]*");
  /** Deepest nesting of substitutions and {@code -c} scripts read (bounded work). */
  private static final int MAX_NESTING = 8;

  /**
   * One simple command.
   *
   * @param words the words with quotes removed, wrappers (sudo, env, VAR=x) dropped
   * @param assignments leading {@code NAME=value} words
   * @param offset offset of the command in the script
   * @param pipedInto whether the previous command pipes into this one
   * @param sudo whether it was run through sudo
   * @param text the command as written
   */
  public record Command(List<String> words, List<String> assignments, int offset, boolean pipedInto,
      boolean sudo, String text) {
    public String name() {
      if (words.isEmpty()) {
        return "";
      }
      String w = words.get(0);
      return w.substring(w.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }

    public List<String> args() {
      return words.isEmpty() ? List.of() : words.subList(1, words.size());
    }

    /** The first non-option argument (the subcommand), lower case, or "". */
    public String sub() {
      for (String a : args()) {
        if (!a.startsWith("-")) {
          return a.toLowerCase(Locale.ROOT);
        }
      }
      return "";
    }
  }

  private Shell() {}

  /**
   * The commands of a script in the order they appear; the commands inside a substitution or a
   * {@code -c} script follow the command that holds them.
   */
  public static List<Command> commands(String script) {
    List<Command> out = new ArrayList<>();
    read(script, 0, 0, out);
    return out;
  }

  private static void read(String script, int base, int depth, List<Command> out) {
    int n = script.length();
    int start = 0;
    char quote = 0;
    boolean piped = false;
    for (int k = 0; k <= n; k++) {
      char c = k < n ? script.charAt(k) : '\n';
      if (k < n && c == '\\' && quote != '\'' && k + 1 < n) {
        k++;
        continue;
      }
      int end = k < n && quote != '\'' ? CommandSubstitution.end(script, k) : -1;
      if (end > 0) {
        k = end - 1;
        continue;
      }
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        if (k < n) {
          continue;
        }
      }
      if (c == '"' || c == '\'') {
        quote = c;
        continue;
      }
      if (c == '#' && (k == 0 || Character.isWhitespace(script.charAt(k - 1)))) {
        int e = script.indexOf('\n', k);
        add(out, script, start, k, piped, base, depth);
        piped = false;
        k = e < 0 ? n : e;
        start = k + 1;
        continue;
      }
      // A subshell's parentheses separate commands like a semicolon: (cd /x && make).
      boolean sep = c == ';' || c == '\n' || c == '|' || c == '&' || c == '(' || c == ')';
      if (!sep) {
        continue;
      }
      add(out, script, start, k, piped, base, depth);
      boolean pipe = c == '|' && (k + 1 >= n || script.charAt(k + 1) != '|');
      if (k + 1 < n && (c == '|' || c == '&') && script.charAt(k + 1) == c) {
        k++;
      }
      piped = pipe;
      start = k + 1;
    }
  }

  private static void add(List<Command> out, String script, int start, int end, boolean piped,
      int base, int depth) {
    String text = script.substring(Math.min(start, end), end);
    List<Words.Token> tokens = Words.tokens(text, '\\', true);
    List<String> words = new ArrayList<>();
    List<String> assigns = new ArrayList<>();
    boolean sudo = false;
    boolean head = true;
    int first = -1;
    String wrapper = null;
    int operands = 0;
    boolean options = false;
    boolean skipValue = false;
    for (Words.Token t : tokens) {
      List<String> w = Words.split(t.raw(), '\\', null).words();
      String word = w.isEmpty() ? "" : String.join(" ", w);
      if (head) {
        if (skipValue) {
          skipValue = false;
          continue;
        }
        if (options && word.startsWith("-") && word.length() > 1) {
          options = !word.equals("--");
          skipValue = VALUE_OPTIONS.getOrDefault(wrapper, Set.of()).contains(word);
          continue;
        }
        options = false;
        if (word.matches("[A-Za-z_][A-Za-z0-9_]{0,100}=.*")) {
          assigns.add(word);
          continue;
        }
        if (operands > 0) {
          operands--;
          continue;
        }
        if (PREFIXES.contains(word)) {
          sudo |= word.equals("sudo") || word.equals("doas");
          wrapper = word;
          options = true;
          operands = ONE_OPERAND.contains(word) ? 1 : 0;
          continue;
        }
        head = false;
        first = t.start();
      }
      words.add(word);
    }
    if (!words.isEmpty() || !assigns.isEmpty()) {
      Command c = new Command(words, assigns, base + start + Math.max(0, first), piped, sudo,
          text.strip());
      out.add(c);
      if (depth < MAX_NESTING) {
        nested(c, text, tokens, base + start, depth, out);
      }
    }
  }

  /** The commands of the substitutions in a command and of the script of its -c option. */
  private static void nested(Command c, String text, List<Words.Token> tokens, int at,
      int depth, List<Command> out) {
    for (CommandSubstitution.Body b : CommandSubstitution.bodies(text)) {
      read(b.text(), at + b.start(), depth + 1, out);
    }
    if (!SCRIPT_RUNNERS.contains(c.name())) {
      return;
    }
    boolean script = false;
    for (Words.Token t : tokens) {
      if (t.start() < c.offset() - at) {
        continue;
      }
      String raw = t.raw();
      if (script && !raw.startsWith("-")) {
        boolean quoted = raw.length() >= 2 && (raw.charAt(0) == '"' || raw.charAt(0) == '\'');
        String body = quoted && raw.charAt(raw.length() - 1) == raw.charAt(0)
            ? raw.substring(1, raw.length() - 1) : raw;
        read(body, at + t.start() + (quoted ? 1 : 0), depth + 1, out);
        return;
      }
      script |= SCRIPT_OPTION.matcher(raw).matches();
    }
  }
}
