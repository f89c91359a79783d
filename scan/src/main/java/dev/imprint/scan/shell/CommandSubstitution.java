package dev.imprint.scan.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Command substitutions ({@code $(...)}, backticks) and process substitutions ({@code <(...)},
 * {@code >(...)}) in a line of shell: the commands inside them run, while an arithmetic
 * expansion ({@code $((...))}) runs none. Bounded, quote-aware, never throws on malformed
 * input: an unclosed substitution runs to the end of the text.
 */
public final class CommandSubstitution {
  private CommandSubstitution() {}

  /**
   * The body of a substitution and the offset of its first character in the text searched.
   *
   * @param text the commands inside, without the opening and closing characters
   * @param start offset of {@code text} in the searched text
   */
  public record Body(String text, int start) {}

  /**
   * The bodies of the outermost substitutions of a text, outside single quotes, where the shell
   * expands them (inside double quotes too).
   */
  public static List<Body> bodies(String s) {
    List<Body> out = new ArrayList<>();
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quote != '\'' && i + 1 < s.length()) {
        i++;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = quote == 0 ? c : quote == c ? 0 : quote;
        continue;
      }
      int end = quote == '\'' ? -1 : end(s, i);
      if (end > 0 && s.startsWith("$((", i)) {
        i = end - 1;
      } else if (end > 0) {
        int open = c == '`' ? 1 : 2;
        boolean closed = end - i > open && s.charAt(end - 1) == (c == '`' ? '`' : ')');
        out.add(new Body(s.substring(i + open, closed ? end - 1 : end), i + open));
        i = end - 1;
      }
    }
    return out;
  }

  /**
   * The end (exclusive) of the substitution, or arithmetic expansion, that opens at {@code i},
   * or -1 when none opens there; an unclosed one runs to the end of the text. Parentheses
   * inside quotes do not count. {@code <(} and {@code >(} open a process substitution only
   * outside a word's middle ({@code a>(b)} is not one in any shell anyone writes on purpose).
   */
  public static int end(String s, int i) {
    char c = s.charAt(i);
    if (c == '`') {
      int close = s.indexOf('`', i + 1);
      return close < 0 ? s.length() : close + 1;
    }
    boolean opens = c == '$' || (c == '<' || c == '>') && (i == 0 || s.charAt(i - 1) == ' '
        || s.charAt(i - 1) == '\t');
    if (!opens || i + 1 >= s.length() || s.charAt(i + 1) != '(') {
      return -1;
    }
    int depth = 0;
    char quote = 0;
    for (int j = i + 1; j < s.length(); j++) {
      char d = s.charAt(j);
      if (quote != 0) {
        quote = d == quote ? 0 : quote;
      } else if (d == '\'' || d == '"') {
        quote = d;
      } else if (d == '(') {
        depth++;
      } else if (d == ')' && --depth == 0) {
        return j + 1;
      }
    }
    return s.length();
  }
}
