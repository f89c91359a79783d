package dev.imprint.scan.terraform;

import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared, bounded reader of Terraform's native syntax (and HCL files such as Packer's) into
 * {@link Tf}'s model. It reads blocks, attributes, literals, collections, references, calls and
 * heredocs, and keeps any other expression as text with its references. {@link #read} yields
 * null for a file it cannot read; {@link #parse} also says where reading stopped.
 */
public final class TfReader {
  private static final int MAX_DEPTH = 100;
  private static final Pattern TRAVERSAL = Pattern.compile(
      "(?<![A-Za-z0-9_\\-\"])[A-Za-z_][A-Za-z0-9_-]{0,200}(?:\\.[A-Za-z_*][A-Za-z0-9_-]{0,200}"
          + "|\\[[^\\]\\[]{0,200}\\]){1,32}");

  private final String src;
  private final Tf.Positions positions = new Tf.Positions();
  private int pos;
  private int depth;

  private TfReader(String src) {
    this.src = src;
  }

  /** The blocks of a file, or null when it is not valid enough to read. */
  public static Tf.File read(SourceFile file) {
    return parse(file).file();
  }

  /**
   * The outcome of reading a file: the file, or null with the 1-based line and column where
   * reading stopped and what was expected there.
   */
  public record Result(Tf.File file, int line, int column, String message) {
    /** Whether the file was read. */
    public boolean ok() {
      return file != null;
    }
  }

  /** The last file read on this thread and its result (see {@link #parse}). */
  private record Memo(SourceFile source, Result result) {}

  private static final ThreadLocal<Memo> LAST = new ThreadLocal<>();

  /**
   * Reads a file, saying where and why reading stopped when it cannot. The scanner hands one file
   * to every analyzer in turn on one thread, and the Terraform, AWS, GCP and Azure analyzers all
   * read it: the last result of each thread is kept and returned again for the same file object
   * (the model is immutable), so a file is read once, not four times.
   */
  public static Result parse(SourceFile file) {
    Memo last = LAST.get();
    if (last != null && last.source() == file) {
      return last.result();
    }
    Result result = read(new TfReader(file.text()), file);
    LAST.set(new Memo(file, result));
    return result;
  }

  private static Result read(TfReader r, SourceFile file) {
    try {
      return new Result(new Tf.File(file, r.body(false, file), r.positions), 0, 0, null);
    } catch (Fail e) {
      return failure(r, file);
    }
  }

  /**
   * Reads a variable definitions file ({@code terraform.tfvars}, {@code *.auto.tfvars}): its
   * top-level attributes (and any blocks) become one block of type {@code tfvars} at 1:1.
   */
  public static Result parseDefinitions(SourceFile file) {
    TfReader r = new TfReader(file.text());
    try {
      Map<String, Tf.Attr> attrs = new LinkedHashMap<>();
      List<Tf.Block> blocks = new ArrayList<>();
      r.bodyInto(false, attrs, blocks, file);
      Tf.Block all = new Tf.Block("tfvars", List.of(), attrs, blocks, 1, 1);
      return new Result(new Tf.File(file, List.of(all), r.positions), 0, 0, null);
    } catch (Fail e) {
      return failure(r, file);
    }
  }

  private static Result failure(TfReader r, SourceFile file) {
    int at = Math.max(0, Math.min(r.pos, r.src.length()));
    boolean end = at >= r.src.length();
    String msg = end
        ? "unexpected end of file: expected a closing brace, bracket or quote"
        : "unexpected '" + printable(r.src.charAt(at))
            + "': expected an attribute, a block, a value or a closing brace";
    if (end && at > 0 && r.src.charAt(at - 1) == '\n') {
      // After a final newline there is no further line: the end is at the last line's end.
      at--;
    }
    return new Result(null, line(at, file), col(at, file), msg);
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : "U+" + Integer.toHexString(c);
  }

  /**
   * Malformed input, thrown inside the reader only and caught by type: never escapes
   * {@link #read}. Any other exception is a bug and propagates (the scanner reports it as an
   * internal error, never as a syntax error).
   */
  private static final class Fail extends Exception {
    private static final long serialVersionUID = 1L;

    Fail() {
      super(null, null, false, false);
    }
  }

  private List<Tf.Block> body(boolean nested, SourceFile file) throws Fail {
    List<Tf.Block> blocks = new ArrayList<>();
    Map<String, Tf.Attr> attrs = new LinkedHashMap<>();
    bodyInto(nested, attrs, blocks, file);
    return blocks;
  }

  private void bodyInto(boolean nested, Map<String, Tf.Attr> attrs, List<Tf.Block> blocks,
      SourceFile file) throws Fail {
    enter();
    while (true) {
      skipSpace(true);
      if (pos >= src.length()) {
        if (nested) {
          throw new Fail();
        }
        break;
      }
      if (src.charAt(pos) == '}') {
        if (!nested) {
          throw new Fail();
        }
        pos++;
        break;
      }
      int start = pos;
      String name = ident();
      skipSpace(false);
      if (peek() == '=' && peek(1) != '=') {
        pos++;
        Tf.Value v = expr();
        attrs.put(name, new Tf.Attr(name, v, line(start, file), col(start, file)));
        endOfLine();
        continue;
      }
      List<String> labels = new ArrayList<>();
      while (peek() != '{') {
        if (peek() == '"') {
          labels.add(quoted().text());
        } else {
          labels.add(ident());
        }
        skipSpace(false);
      }
      pos++;
      Map<String, Tf.Attr> inner = new LinkedHashMap<>();
      List<Tf.Block> innerBlocks = new ArrayList<>();
      bodyInto(true, inner, innerBlocks, file);
      blocks.add(new Tf.Block(name, labels, inner, innerBlocks, line(start, file),
          col(start, file)));
      endOfLine();
    }
    depth--;
  }

  private static int line(int offset, SourceFile f) {
    return f.locationOfOffset(offset).line();
  }

  private static int col(int offset, SourceFile f) {
    return f.locationOfOffset(offset).column();
  }

  private void enter() throws Fail {
    if (++depth > MAX_DEPTH) {
      throw new Fail();
    }
  }

  private void endOfLine() throws Fail {
    skipSpace(false);
    if (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '}') {
      throw new Fail();
    }
  }

  // ---- expressions ----

  private Tf.Value expr() throws Fail {
    enter();
    int start = skipSpaceAndMark();
    Tf.Value first = unary();
    skipSpace(false);
    boolean compound = false;
    while (true) {
      skipSpace(false);
      char c = peek();
      if (c == '?') {
        pos++;
        expr();
        skipSpace(true);
        expect(':');
        expr();
        compound = true;
      } else if (isBinaryOperator()) {
        pos += operatorLength();
        skipSpace(true);
        unary();
        compound = true;
      } else {
        break;
      }
    }
    depth--;
    Tf.Value result = compound ? exprOf(start, pos) : first;
    positions.put(result, start);
    return result;
  }

  private boolean isBinaryOperator() {
    char c = peek();
    char d = peek(1);
    return switch (c) {
      case '+', '-', '*', '/', '%', '<', '>' -> !(c == '-' && d == '>');
      case '=', '!' -> d == '=';
      case '&' -> d == '&';
      case '|' -> d == '|';
      default -> false;
    };
  }

  private int operatorLength() {
    char c = peek();
    char d = peek(1);
    if ((c == '=' || c == '!' || c == '<' || c == '>') && d == '=' || c == '&' || c == '|') {
      return 2;
    }
    return 1;
  }

  private Tf.Value unary() throws Fail {
    skipSpace(false);
    int start = pos;
    if (peek() == '-' && Character.isDigit(peek(1))) {
      // A negative number literal (protocol = -1) is a number, not an expression.
      pos++;
      Tf.Value n = primary();
      if (n instanceof Tf.Num num && !isPostfix()) {
        return new Tf.Num("-" + num.text());
      }
      pos = start;
    }
    if (peek() == '-' || peek() == '!') {
      pos++;
      enter();
      unary();
      depth--;
      return exprOf(start, pos);
    }
    Tf.Value v = primary();
    boolean postfix = false;
    while (peek() == '.' && !(v instanceof Tf.Ref) || peek() == '[') {
      postfix = true;
      if (peek() == '.') {
        pos++;
        if (peek() == '*') {
          pos++;
        } else {
          ident();
        }
      } else if (peek(1) == '*' && peek(2) == ']') {
        pos += 3;
      } else {
        pos++;
        expr();
        skipSpace(true);
        expect(']');
      }
    }
    return postfix ? exprOf(start, pos) : v;
  }

  /** Whether a postfix (attribute access or index) follows at the current position. */
  private boolean isPostfix() {
    return peek() == '.' || peek() == '[';
  }

  private Tf.Value primary() throws Fail {
    skipSpace(false);
    char c = peek();
    int start = pos;
    if (c == '"') {
      return quoted();
    }
    if (c == '<' && peek(1) == '<') {
      return heredoc();
    }
    if (Character.isDigit(c)) {
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos))
          || src.charAt(pos) == '.' && pos + 1 < src.length()
          && Character.isDigit(src.charAt(pos + 1)))) {
        pos++;
      }
      return new Tf.Num(src.substring(start, pos));
    }
    if (c == '[') {
      return tuple();
    }
    if (c == '{') {
      return object();
    }
    if (c == '(') {
      pos++;
      Tf.Value inner = expr();
      skipSpace(true);
      expect(')');
      return inner;
    }
    String name = ident();
    switch (name) {
      case "true":
        return new Tf.Bool(true);
      case "false":
        return new Tf.Bool(false);
      case "null":
        return new Tf.Null();
      default:
        break;
    }
    skipSpace(false);
    if (peek() == '(') {
      pos++;
      List<Tf.Value> args = new ArrayList<>();
      skipSpace(true);
      while (peek() != ')') {
        args.add(expr());
        skipSpace(true);
        if (peek() == ',') {
          pos++;
          skipSpace(true);
        } else if (peek() == '.' && peek(1) == '.' && peek(2) == '.') {
          pos += 3;
          skipSpace(true);
        } else if (peek() != ')') {
          throw new Fail();
        }
      }
      pos++;
      return new Tf.Call(name, args);
    }
    StringBuilder ref = new StringBuilder(name);
    while (true) {
      if (peek() == '.' && pos + 1 < src.length()
          && (isIdentStart(src.charAt(pos + 1)) || src.charAt(pos + 1) == '*'
          || Character.isDigit(src.charAt(pos + 1)))) {
        pos++;
        if (peek() == '*') {
          pos++;
          ref.append(".*");
        } else if (Character.isDigit(peek())) {
          int s = pos;
          while (Character.isDigit(peek())) {
            pos++;
          }
          ref.append('.').append(src, s, pos);
        } else {
          ref.append('.').append(ident());
        }
      } else if (peek() == '[' && peek(1) == '*' && peek(2) == ']') {
        pos += 3;
        ref.append("[*]");
      } else if (peek() == '[') {
        int s = pos;
        pos++;
        expr();
        skipSpace(true);
        expect(']');
        ref.append(src, s, pos);
      } else {
        break;
      }
    }
    return new Tf.Ref(ref.toString());
  }

  private Tf.Value tuple() throws Fail {
    int start = pos;
    pos++;
    skipSpace(true);
    if (startsWord("for")) {
      skipBalanced(start);
      return exprOf(start, pos);
    }
    List<Tf.Value> items = new ArrayList<>();
    while (peek() != ']') {
      items.add(expr());
      skipSpace(true);
      if (peek() == ',') {
        pos++;
        skipSpace(true);
      } else if (peek() != ']') {
        throw new Fail();
      }
    }
    pos++;
    return new Tf.Tuple(items);
  }

  private Tf.Value object() throws Fail {
    int start = pos;
    pos++;
    skipSpace(true);
    if (startsWord("for")) {
      skipBalanced(start);
      return exprOf(start, pos);
    }
    Map<String, Tf.Value> entries = new LinkedHashMap<>();
    while (peek() != '}') {
      String key;
      if (peek() == '"') {
        key = quoted().text();
      } else if (peek() == '(') {
        key = Tf.text(primary());
      } else {
        key = ident();
      }
      skipSpace(false);
      if (peek() != '=' && peek() != ':') {
        throw new Fail();
      }
      pos++;
      entries.put(key, expr());
      skipSpace(false);
      if (peek() == ',') {
        pos++;
      }
      skipSpace(true);
      if (pos >= src.length()) {
        throw new Fail();
      }
    }
    pos++;
    return new Tf.Obj(entries);
  }

  /** Skips from an opening bracket at {@code start} to its matching closing bracket. */
  private void skipBalanced(int start) throws Fail {
    pos = start;
    int level = 0;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '"') {
        quoted();
        continue;
      }
      if (c == '[' || c == '{' || c == '(') {
        level++;
      } else if (c == ']' || c == '}' || c == ')') {
        level--;
        if (level == 0) {
          pos++;
          return;
        }
      }
      pos++;
    }
    throw new Fail();
  }

  private Tf.Str quoted() throws Fail {
    enter();
    expect('"');
    StringBuilder out = new StringBuilder();
    boolean template = false;
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n') {
        throw new Fail();
      }
      char c = src.charAt(pos);
      if (c == '"') {
        pos++;
        break;
      }
      if (c == '\\' && pos + 1 < src.length()) {
        char e = src.charAt(pos + 1);
        pos += 2;
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'u' -> {
            if (pos + 4 > src.length()) {
              throw new Fail();
            }
            try {
              out.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw new Fail();
            }
            pos += 4;
          }
          default -> out.append(e);
        }
        continue;
      }
      if ((c == '$' || c == '%') && peek(1) == c && peek(2) == '{') {
        out.append(c).append('{');
        pos += 3;
        continue;
      }
      if ((c == '$' || c == '%') && peek(1) == '{') {
        int s = pos;
        pos += 2;
        skipInterpolation();
        out.append(src, s, pos);
        template = true;
        continue;
      }
      out.append(c);
      pos++;
    }
    String text = out.toString();
    depth--;
    return new Tf.Str(text, template, template ? refsIn(text) : List.of());
  }

  /** Skips to the end of an interpolation whose {@code ${} was consumed. */
  private void skipInterpolation() throws Fail {
    int level = 1;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '"') {
        quoted();
        continue;
      }
      if (c == '{') {
        level++;
      } else if (c == '}') {
        level--;
        if (level == 0) {
          pos++;
          return;
        }
      }
      pos++;
    }
    throw new Fail();
  }

  private Tf.Str heredoc() throws Fail {
    pos += 2;
    boolean indent = peek() == '-';
    if (indent) {
      pos++;
    }
    String marker = ident();
    int eol = src.indexOf('\n', pos);
    if (eol < 0) {
      throw new Fail();
    }
    pos = eol + 1;
    List<String> lines = new ArrayList<>();
    while (true) {
      if (pos >= src.length()) {
        throw new Fail();
      }
      int end = src.indexOf('\n', pos);
      String line = src.substring(pos, end < 0 ? src.length() : end);
      String bare = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      pos = end < 0 ? src.length() : end + 1;
      if (bare.trim().equals(marker)) {
        // leave the position on the closing marker's line end
        pos = end < 0 ? src.length() : end;
        break;
      }
      lines.add(bare);
    }
    if (indent) {
      int min = Integer.MAX_VALUE;
      for (String l : lines) {
        if (!l.isBlank()) {
          int n = 0;
          while (n < l.length() && (l.charAt(n) == ' ' || l.charAt(n) == '\t')) {
            n++;
          }
          min = Math.min(min, n);
        }
      }
      if (min != Integer.MAX_VALUE) {
        for (int i = 0; i < lines.size(); i++) {
          String l = lines.get(i);
          lines.set(i, l.length() >= min ? l.substring(min) : l.trim());
        }
      }
    }
    String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    boolean template = text.contains("${") || text.contains("%{");
    return new Tf.Str(text, template, template ? refsIn(text) : List.of());
  }

  private static List<String> refsIn(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int seen = 0;
    while ((i = text.indexOf("${", i)) >= 0 && out.size() < 256 && seen++ < 4096) {
      // One pass: an interpolation without a closing brace ends the search, so a heredoc
      // full of unclosed "${" costs linear time, not a scan to the end per opening.
      int end = text.indexOf('}', i);
      String inner = text.substring(i + 2, end < 0 ? Math.min(text.length(), i + 2002) : end);
      Matcher m = TRAVERSAL.matcher(inner.length() > 2000 ? inner.substring(0, 2000) : inner);
      while (m.find()) {
        out.add(m.group());
      }
      if (end < 0) {
        break;
      }
      i = Math.max(i + 2, end + 1);
    }
    return out;
  }

  private Tf.Expr exprOf(int start, int end) {
    String text = src.substring(start, end).trim();
    List<String> refs = new ArrayList<>();
    Matcher m = TRAVERSAL.matcher(text.length() > 20000 ? text.substring(0, 20000) : text);
    while (m.find() && refs.size() < 256) {
      refs.add(m.group());
    }
    return new Tf.Expr(text, refs);
  }

  // ---- lexical helpers ----

  private String ident() throws Fail {
    int s = pos;
    if (pos >= src.length() || !isIdentStart(src.charAt(pos))) {
      throw new Fail();
    }
    while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos))
        || src.charAt(pos) == '_' || src.charAt(pos) == '-')) {
      pos++;
    }
    return src.substring(s, pos);
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private boolean startsWord(String w) {
    return src.startsWith(w, pos) && pos + w.length() < src.length()
        && !Character.isLetterOrDigit(src.charAt(pos + w.length()));
  }

  private char peek() {
    return pos < src.length() ? src.charAt(pos) : '\0';
  }

  private char peek(int ahead) {
    return pos + ahead < src.length() ? src.charAt(pos + ahead) : '\0';
  }

  private void expect(char c) throws Fail {
    if (peek() != c) {
      throw new Fail();
    }
    pos++;
  }

  private int skipSpaceAndMark() {
    skipSpace(false);
    return pos;
  }

  /** Skips blanks and comments; newlines too when {@code lines} is true. */
  private void skipSpace(boolean lines) {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\r' || (lines && c == '\n')) {
        pos++;
      } else if (c == '#' || c == '/' && peek(1) == '/') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == '/' && peek(1) == '*') {
        int end = src.indexOf("*/", pos + 2);
        pos = end < 0 ? src.length() : end + 2;
      } else {
        break;
      }
    }
  }
}
