package dev.imprint.scan.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A small, bounded reader of shell scripts: enough to see commands, pipes and arguments. */
final class Shell {
  private static final Set<String> PREFIXES = Set.of("sudo", "env", "exec", "then", "do", "else",
      "if", "elif", "!", "{", "(", "time", "nohup", "command", "while", "until");

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
  record Command(List<String> words, List<String> assignments, int offset, boolean pipedInto,
      boolean sudo, String text) {
    String name() {
      if (words.isEmpty()) {
        return "";
      }
      String w = words.get(0);
      return w.substring(w.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }

    List<String> args() {
      return words.isEmpty() ? List.of() : words.subList(1, words.size());
    }

    /** The first non-option argument (the subcommand), lower case, or "". */
    String sub() {
      for (String a : args()) {
        if (!a.startsWith("-")) {
          return a.toLowerCase(Locale.ROOT);
        }
      }
      return "";
    }
  }

  private Shell() {}

  static List<Command> commands(String script) {
    List<Command> out = new ArrayList<>();
    int n = script.length();
    int start = 0;
    char quote = 0;
    boolean piped = false;
    int paren = 0;
    for (int k = 0; k <= n; k++) {
      char c = k < n ? script.charAt(k) : '\n';
      if (k < n && c == '\\' && quote != '\'' && k + 1 < n) {
        k++;
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
      if (c == '(' && k > 0 && script.charAt(k - 1) == '$') {
        paren++;
        continue;
      }
      if (c == ')' && paren > 0) {
        paren--;
        continue;
      }
      if (paren > 0 && k < n) {
        continue;
      }
      if (c == '#' && (k == 0 || Character.isWhitespace(script.charAt(k - 1)))) {
        int e = script.indexOf('\n', k);
        add(out, script, start, k, piped);
        piped = false;
        k = e < 0 ? n : e;
        start = k + 1;
        continue;
      }
      boolean sep = c == ';' || c == '\n' || c == '|' || c == '&';
      if (!sep) {
        continue;
      }
      add(out, script, start, k, piped);
      boolean pipe = c == '|' && (k + 1 >= n || script.charAt(k + 1) != '|');
      if (k + 1 < n && (c == '|' || c == '&') && script.charAt(k + 1) == c) {
        k++;
      }
      piped = pipe;
      start = k + 1;
    }
    return out;
  }

  private static void add(List<Command> out, String script, int start, int end, boolean piped) {
    String text = script.substring(Math.min(start, end), end);
    List<Words.Token> tokens = Words.tokens(text, '\\');
    List<String> words = new ArrayList<>();
    List<String> assigns = new ArrayList<>();
    boolean sudo = false;
    boolean head = true;
    int first = -1;
    for (Words.Token t : tokens) {
      List<String> w = Words.split(t.raw(), '\\', null).words();
      String word = w.isEmpty() ? "" : String.join(" ", w);
      if (head) {
        if (word.matches("[A-Za-z_][A-Za-z0-9_]{0,100}=.*")) {
          assigns.add(word);
          continue;
        }
        if (PREFIXES.contains(word) || (sudo || word.equals("env")) && word.startsWith("-")) {
          sudo |= word.equals("sudo");
          continue;
        }
        head = false;
        first = t.start();
      }
      words.add(word);
    }
    if (words.isEmpty() && assigns.isEmpty()) {
      return;
    }
    out.add(new Command(words, assigns, start + Math.max(0, first), piped, sudo, text.strip()));
  }
}
