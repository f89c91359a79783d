package dev.imprint.scan.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits instruction arguments into words the way the builder does: quotes removed, escapes
 * applied, and {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR:+alt}}
 * substituted when a lookup is given.
 */
public final class Words {
  private static final int MAX_OUTPUT = 64 * 1024;
  private static final int MAX_DEPTH = 8;

  /** Words after processing, and whether every referenced variable had a value. */
  public record Result(List<String> words, boolean resolved) {}

  /** A whitespace-separated token as written, and its offset. */
  public record Token(String raw, int start) {}

  private Words() {}

  public static List<Token> tokens(String s, char escape) {
    return tokens(s, escape, false);
  }

  /**
   * Whitespace-separated tokens as written; with {@code shell}, a command or process
   * substitution stays inside the token it belongs to ({@code X=$(curl -s https://x | sh)} is
   * one token), as the shell reads a RUN script.
   */
  public static List<Token> tokens(String s, char escape, boolean shell) {
    List<Token> out = new ArrayList<>();
    int k = 0;
    int n = s.length();
    while (k < n) {
      while (k < n && Character.isWhitespace(s.charAt(k))) {
        k++;
      }
      if (k >= n) {
        break;
      }
      int start = k;
      char quote = 0;
      while (k < n) {
        char c = s.charAt(k);
        if (quote == 0 && Character.isWhitespace(c)) {
          break;
        }
        if (c == escape && quote != '\'' && k + 1 < n) {
          k += 2;
          continue;
        }
        int end = shell && quote != '\'' ? CommandSubstitution.end(s, k) : -1;
        if (end > 0) {
          k = end;
          continue;
        }
        if (quote == 0 && (c == '"' || c == '\'')) {
          quote = c;
        } else if (c == quote) {
          quote = 0;
        }
        k++;
      }
      out.add(new Token(s.substring(start, k), start));
    }
    return out;
  }

  public static Result split(String s, char escape, Function<String, String> lookup) {
    Lexer lx = new Lexer(s, escape, lookup, 0);
    List<String> words = lx.words();
    return new Result(words, lx.resolved);
  }

  /** One pass over a string. */
  private static final class Lexer {
    private final String s;
    private final char escape;
    private final Function<String, String> lookup;
    private final int depth;
    private int k;
    boolean resolved = true;

    Lexer(String s, char escape, Function<String, String> lookup, int depth) {
      this.s = s;
      this.escape = escape;
      this.lookup = lookup;
      this.depth = depth;
    }

    List<String> words() {
      List<String> out = new ArrayList<>();
      StringBuilder w = new StringBuilder();
      boolean any = false;
      int n = s.length();
      while (k < n && w.length() < MAX_OUTPUT) {
        char c = s.charAt(k);
        if (Character.isWhitespace(c)) {
          if (any) {
            out.add(w.toString());
            w.setLength(0);
            any = false;
          }
          k++;
          continue;
        }
        any = true;
        if (c == escape && k + 1 < n) {
          w.append(s.charAt(k + 1));
          k += 2;
        } else if (c == '\'') {
          int e = s.indexOf('\'', k + 1);
          e = e < 0 ? n : e;
          w.append(s, k + 1, e);
          k = Math.min(n, e + 1);
        } else if (c == '"') {
          k++;
          while (k < n && s.charAt(k) != '"') {
            char d = s.charAt(k);
            if (d == escape && k + 1 < n && "\"$`\\".indexOf(s.charAt(k + 1)) >= 0) {
              w.append(s.charAt(k + 1));
              k += 2;
            } else if (d == '$' && lookup != null) {
              dollar(w);
            } else {
              w.append(d);
              k++;
            }
          }
          k++;
        } else if (c == '$' && lookup != null) {
          dollar(w);
        } else {
          w.append(c);
          k++;
        }
      }
      if (any) {
        out.add(w.toString());
      }
      return out;
    }

    private void dollar(StringBuilder w) {
      int n = s.length();
      k++;
      if (k < n && s.charAt(k) == '{') {
        int close = matching(k);
        if (close < 0) {
          w.append("${");
          k++;
          return;
        }
        String inner = s.substring(k + 1, close);
        k = close + 1;
        int e = 0;
        while (e < inner.length()
            && (Character.isLetterOrDigit(inner.charAt(e)) || inner.charAt(e) == '_')) {
          e++;
        }
        String name = inner.substring(0, e);
        String op = inner.substring(e);
        String value = lookup.apply(name);
        if (op.startsWith(":-") || op.startsWith("-")) {
          String def = op.substring(op.startsWith(":") ? 2 : 1);
          boolean use = value == null || op.startsWith(":") && value.isEmpty();
          w.append(use ? sub(def) : value);
        } else if (op.startsWith(":+") || op.startsWith("+")) {
          String alt = op.substring(op.startsWith(":") ? 2 : 1);
          boolean use = value != null && !(op.startsWith(":") && value.isEmpty());
          w.append(use ? sub(alt) : "");
        } else {
          if (value == null) {
            resolved = false;
          } else {
            w.append(value);
          }
        }
        return;
      }
      int e = k;
      while (e < n && (Character.isLetterOrDigit(s.charAt(e)) || s.charAt(e) == '_')) {
        e++;
      }
      if (e == k) {
        w.append('$');
        return;
      }
      String value = lookup.apply(s.substring(k, e));
      k = e;
      if (value == null) {
        resolved = false;
      } else {
        w.append(value);
      }
    }

    private String sub(String word) {
      if (depth >= MAX_DEPTH) {
        resolved = false;
        return "";
      }
      Lexer inner = new Lexer(word, escape, lookup, depth + 1);
      String out = String.join(" ", inner.words());
      resolved &= inner.resolved;
      return out;
    }

    private int matching(int open) {
      int d = 0;
      for (int j = open; j < s.length(); j++) {
        char c = s.charAt(j);
        if (c == '{') {
          d++;
        } else if (c == '}' && --d == 0) {
          return j;
        }
      }
      return -1;
    }
  }
}
