package dev.imprint.scan.ci;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.ci.Jenkinsfile.AgentImage;
import dev.imprint.scan.ci.Jenkinsfile.CredentialScope;
import dev.imprint.scan.ci.Jenkinsfile.EchoStep;
import dev.imprint.scan.ci.Jenkinsfile.EnvEntry;
import dev.imprint.scan.ci.Jenkinsfile.GroovyString;
import dev.imprint.scan.ci.Jenkinsfile.Quote;
import dev.imprint.scan.ci.Jenkinsfile.ShellStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a Jenkinsfile (declarative or scripted) without parsing Groovy: a small lexer finds
 * words, punctuation and string literals (single, double and triple quoted, across lines),
 * skipping comments; a pass over the tokens picks out the steps the rules need. Unbalanced
 * input never throws: blocks that do not close end at the end of the file.
 */
public final class JenkinsfileReader {
  /** Most tokens looked at inside one argument list (bounds work on hostile input). */
  private static final int MAX_ARGS = 400;
  /** Most withCredentials scopes kept (bounds the per-reference scope lookup). */
  private static final int MAX_SCOPES = 1_000;
  private static final Set<String> SHELL_STEPS = Set.of("sh", "bat", "powershell", "pwsh");

  private JenkinsfileReader() {}

  /** {@code Jenkinsfile}, {@code *.Jenkinsfile}, {@code Jenkinsfile.*}, any case. */
  public static boolean isJenkinsfileName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("jenkinsfile") || n.endsWith(".jenkinsfile") || n.startsWith("jenkinsfile.");
  }

  enum Kind { WORD, STRING, PUNCT }

  record Token(Kind kind, String text, int start, GroovyString string) {
    boolean is(String s) {
      return kind != Kind.STRING && text.equals(s);
    }
  }

  /**
   * What reading gave: the model (best effort, always present) and, when the text is not a
   * well-formed pipeline (an unterminated triple-quoted string, an unclosed block), a
   * diagnostic at the place where the problem starts.
   */
  public record Result(Jenkinsfile jenkinsfile, Diagnostic problem) {}

  /** Reads the file's text; never throws. */
  public static Jenkinsfile read(SourceFile file) {
    return readWithProblems(file).jenkinsfile();
  }

  /** Reads the file's text and reports the first structural problem; never throws. */
  public static Result readWithProblems(SourceFile file) {
    List<Token> tokens = lex(file);
    Jenkinsfile model = build(tokens, file);
    return new Result(model, problem(tokens, file));
  }

  private static Diagnostic problem(List<Token> t, SourceFile file) {
    int n = file.text().length();
    for (Token tok : t) {
      GroovyString g = tok.string();
      if (g != null && (g.quote() == Quote.TRIPLE_SINGLE || g.quote() == Quote.TRIPLE_DOUBLE)
          && g.offset() + g.text().length() >= n) {
        return new Diagnostic(file.location(g.line(), g.column()), Diagnostic.Kind.PARSE_ERROR,
            "expected the closing " + (g.quote() == Quote.TRIPLE_SINGLE ? "'''" : "\"\"\"")
                + " of the string opened here; the Jenkinsfile was read up to the end");
      }
    }
    int[] partner = partners(t);
    for (int k = 0; k < t.size(); k++) {
      if (t.get(k).is("{") && partner[k] == t.size()) {
        return new Diagnostic(file.locationOfOffset(t.get(k).start()),
            Diagnostic.Kind.PARSE_ERROR, "expected a '}' closing the block opened here");
      }
    }
    return null;
  }

  static List<Token> lex(SourceFile file) {
    String s = file.text();
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        int eol = s.indexOf('\n', i);
        i = eol < 0 ? n : eol;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int close = s.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (c == '\'' || c == '"') {
        boolean triple = s.startsWith(String.valueOf(c).repeat(3), i);
        Quote q = c == '\'' ? (triple ? Quote.TRIPLE_SINGLE : Quote.SINGLE)
            : (triple ? Quote.TRIPLE_DOUBLE : Quote.DOUBLE);
        int contentStart = i + (triple ? 3 : 1);
        int end = stringEnd(s, contentStart, c, triple);
        var loc = file.locationOfOffset(i);
        GroovyString g = new GroovyString(s.substring(contentStart, Math.min(end, n)), q,
            contentStart, loc.line(), loc.column());
        out.add(new Token(Kind.STRING, g.text(), i, g));
        i = Math.min(n, end + (triple ? 3 : 1));
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_'
            || s.charAt(j) == '$' || s.charAt(j) == '.')) {
          j++;
        }
        out.add(new Token(Kind.WORD, s.substring(i, j), i, null));
        i = j;
      } else {
        out.add(new Token(Kind.PUNCT, String.valueOf(c), i, null));
        i++;
      }
    }
    return out;
  }

  /** Offset of the closing quote (or of the end of the line/file when unterminated). */
  private static int stringEnd(String s, int from, char q, boolean triple) {
    int n = s.length();
    int i = from;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (!triple && c == '\n') {
        return i;
      }
      if (q == '"' && c == '$' && i + 1 < n && s.charAt(i + 1) == '{') {
        int depth = 0;
        int j = i + 1;
        while (j < n) {
          char d = s.charAt(j);
          if (d == '{') {
            depth++;
          } else if (d == '}' && --depth == 0) {
            break;
          } else if (d == '\n' && !triple) {
            break;
          }
          j++;
        }
        i = j + 1;
        continue;
      }
      if (c == q && (!triple || s.startsWith(String.valueOf(q).repeat(3), i))) {
        return i;
      }
      i++;
    }
    return n;
  }

  static Jenkinsfile build(List<Token> t, SourceFile file) {
    int length = file.text().length();
    int[] partner = partners(t);
    List<ShellStep> shells = new ArrayList<>();
    List<EchoStep> echoes = new ArrayList<>();
    List<CredentialScope> scopes = new ArrayList<>();
    List<EnvEntry> env = new ArrayList<>();
    List<AgentImage> images = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      Token tok = t.get(i);
      if (tok.kind() != Kind.WORD) {
        continue;
      }
      String w = tok.text();
      if (SHELL_STEPS.contains(w) || w.equals("echo")) {
        GroovyString g = stepString(t, i + 1, partner);
        if (g != null) {
          if (w.equals("echo")) {
            echoes.add(new EchoStep(g));
          } else {
            shells.add(new ShellStep(w, g));
          }
        }
      } else if (w.equals("withCredentials") && i + 1 < t.size() && t.get(i + 1).is("(")) {
        int close = partner[i + 1];
        List<String> vars = new ArrayList<>();
        for (int k = i + 2; k < Math.min(close, i + MAX_ARGS) - 2 && k < t.size() - 2; k++) {
          if (isBindingVariable(t.get(k)) && t.get(k + 1).is(":")
              && t.get(k + 2).kind() == Kind.STRING) {
            vars.add(t.get(k + 2).text());
          }
        }
        if (close + 1 < t.size() && t.get(close + 1).is("{") && scopes.size() < MAX_SCOPES) {
          int end = partner[close + 1];
          int endOffset = end < t.size() ? t.get(end).start() : length;
          scopes.add(new CredentialScope(vars, t.get(close + 1).start(), endOffset,
              file.locationOfOffset(tok.start()).line()));
        }
      } else if (w.equals("environment") && i + 1 < t.size() && t.get(i + 1).is("{")) {
        int end = partner[i + 1];
        int k = i + 2;
        // An environment block holds only assignments: stop at a nested block, so that an
        // unclosed one does not swallow the stages after it, and resume after what was read.
        for (; k + 2 < t.size() && k < end && !t.get(k).is("{"); k++) {
          if (t.get(k).kind() != Kind.WORD || !t.get(k + 1).is("=")) {
            continue;
          }
          Token v = t.get(k + 2);
          if (v.kind() == Kind.STRING) {
            var at = file.locationOfOffset(t.get(k).start());
            env.add(new EnvEntry(t.get(k).text(), null, v.string(), at.line(), at.column()));
          } else if (v.is("credentials") && k + 4 < t.size() && t.get(k + 4).kind()
              == Kind.STRING) {
            var at = file.locationOfOffset(t.get(k).start());
            env.add(new EnvEntry(t.get(k).text(), t.get(k + 4).text(), null, at.line(),
                at.column()));
          }
        }
        i = k - 1;
      } else if ((w.equals("docker") || w.equals("image") || w.equals("docker.image"))
          && i + 1 < t.size()) {
        GroovyString g = stepString(t, i + 1, partner);
        if (g != null && !g.text().isBlank()) {
          images.add(new AgentImage(g.text(), g.line(), g.column()));
        }
      }
    }
    return new Jenkinsfile(shells, echoes, scopes, env, images);
  }

  /** {@code variable:}, {@code usernameVariable:}, {@code keyFileVariable:}, ... */
  private static boolean isBindingVariable(Token tok) {
    return tok.kind() == Kind.WORD
        && (tok.text().equals("variable") || tok.text().endsWith("Variable"));
  }

  /** The string argument of a step: {@code step 'x'}, {@code step('x')}, {@code script: 'x'}. */
  private static GroovyString stepString(List<Token> t, int i, int[] partner) {
    if (i >= t.size()) {
      return null;
    }
    if (t.get(i).kind() == Kind.STRING) {
      return t.get(i).string();
    }
    if (!t.get(i).is("(")) {
      return null;
    }
    if (i + 1 < t.size() && t.get(i + 1).kind() == Kind.STRING) {
      return t.get(i + 1).string();
    }
    int close = Math.min(partner[i], i + 64);
    for (int k = i + 1; k + 2 < t.size() && k < close; k++) {
      if (t.get(k).is("script") && t.get(k + 1).is(":") && t.get(k + 2).kind() == Kind.STRING) {
        return t.get(k + 2).string();
      }
    }
    return null;
  }

  /**
   * For each opening bracket, the index of the token that closes it (the token count when it
   * never closes), found in one pass so that hostile nesting stays linear.
   */
  static int[] partners(List<Token> t) {
    int[] partner = new int[t.size()];
    java.util.Arrays.fill(partner, t.size());
    java.util.Map<String, java.util.ArrayDeque<Integer>> open = java.util.Map.of(
        ")", new java.util.ArrayDeque<>(), "}", new java.util.ArrayDeque<>(),
        "]", new java.util.ArrayDeque<>());
    for (int k = 0; k < t.size(); k++) {
      Token tok = t.get(k);
      if (tok.kind() != Kind.PUNCT) {
        continue;
      }
      switch (tok.text()) {
        case "(" -> open.get(")").push(k);
        case "{" -> open.get("}").push(k);
        case "[" -> open.get("]").push(k);
        case ")", "}", "]" -> {
          Integer o = open.get(tok.text()).poll();
          if (o != null) {
            partner[o] = k;
          }
        }
        default -> { }
      }
    }
    return partner;
  }

}
