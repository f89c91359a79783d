package dev.imprint.scan.inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, forgiving Terraform (HCL) reader for the inventory: blocks, attributes and literal
 * values ({@code jsonencode(...)} is unwrapped; other expressions are kept as {@link Ref}).
 * The AWS reader's model is package-private, so the inventory reads what it needs itself.
 */
final class Hcl {
  private static final int MAX_DEPTH = 64;

  /** A block such as {@code resource "aws_iam_user" "x" { ... }}. */
  record Block(String type, List<String> labels, int line, Map<String, Attr> attrs,
      List<Block> blocks) {
    Object value(String name) {
      Attr a = attrs.get(name);
      return a == null ? null : a.value();
    }

    String str(String name) {
      return value(name) instanceof String s ? s : null;
    }

    List<Block> children(String type) {
      return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }
  }

  /** An attribute and the line it starts on. */
  record Attr(String name, Object value, int line) {}

  /** An expression that is not a literal: a reference, a call or an operation, as written. */
  record Ref(String text) {}

  private final String src;
  private int pos;
  private int line = 1;

  private Hcl(String src) {
    this.src = src;
  }

  /** The top-level blocks of a file; what does not parse ends the reading quietly. */
  static List<Block> read(String text) {
    Hcl h = new Hcl(text);
    Map<String, Attr> ignored = new LinkedHashMap<>();
    List<Block> blocks = new ArrayList<>();
    try {
      h.body(ignored, blocks, 0);
    } catch (RuntimeException e) {
      // best effort: keep what was read before the problem
    }
    return blocks;
  }

  private void body(Map<String, Attr> attrs, List<Block> blocks, int depth) {
    check(depth);
    while (true) {
      skip(true);
      if (pos >= src.length()) {
        return;
      }
      char c = src.charAt(pos);
      if (c == '}') {
        return;
      }
      if (!isIdentStart(c)) {
        throw new IllegalStateException("expected an identifier");
      }
      int startLine = line;
      String name = ident();
      skip(false);
      if (peek() == '=' && peek(1) != '=') {
        pos++;
        skip(false);
        Object v = expr(depth + 1);
        attrs.put(name, new Attr(name, v, startLine));
        continue;
      }
      List<String> labels = new ArrayList<>();
      while (peek() == '"' || isIdentStart(peek())) {
        labels.add(peek() == '"' ? string(depth + 1).toString() : ident());
        skip(false);
      }
      expect('{');
      Map<String, Attr> inner = new LinkedHashMap<>();
      List<Block> kids = new ArrayList<>();
      body(inner, kids, depth + 1);
      expect('}');
      blocks.add(new Block(name, List.copyOf(labels), startLine, inner, kids));
    }
  }

  private Object expr(int depth) {
    check(depth);
    int start = pos;
    Object v = primary(depth);
    skip(false);
    char c = peek();
    if (c == 0 || c == '\n' || c == ',' || c == '}' || c == ']' || c == ')' || c == '#'
        || (c == '/' && (peek(1) == '/' || peek(1) == '*'))) {
      return v;
    }
    if (c == ':' && depth > 0 && !(v instanceof Ref)) {
      return v; // object key in `key: value` form
    }
    rawUntilEnd(depth);
    return new Ref(src.substring(start, pos).trim());
  }

  private Object primary(int depth) {
    char c = peek();
    if (c == '"') {
      return string(depth);
    }
    if (c == '<' && peek(1) == '<') {
      return heredoc();
    }
    if (c == '[') {
      pos++;
      List<Object> items = new ArrayList<>();
      while (true) {
        skip(true);
        if (peek() == ']') {
          pos++;
          return items;
        }
        items.add(expr(depth + 1));
        skip(true);
        if (peek() == ',') {
          pos++;
        }
      }
    }
    if (c == '{') {
      pos++;
      Map<String, Object> map = new LinkedHashMap<>();
      while (true) {
        skip(true);
        if (peek() == '}') {
          pos++;
          return map;
        }
        Object key;
        if (peek() == '"') {
          key = string(depth + 1);
        } else if (peek() == '(') {
          key = expr(depth + 1);
        } else {
          key = ident();
        }
        skip(false);
        if (peek() == '=' || peek() == ':') {
          pos++;
        } else {
          throw new IllegalStateException("expected '=' in object");
        }
        skip(false);
        map.put(String.valueOf(key instanceof Ref r ? r.text() : key), expr(depth + 1));
        skip(true);
        if (peek() == ',') {
          pos++;
        }
      }
    }
    if (c == '-' || Character.isDigit(c)) {
      int s = pos;
      pos++;
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos))
          || src.charAt(pos) == '.')) {
        pos++;
      }
      return new Ref(src.substring(s, pos));
    }
    if (isIdentStart(c)) {
      int s = pos;
      String id = ident();
      if (peek() == '(') {
        if ("jsonencode".equals(id)) {
          pos++;
          skip(true);
          Object inner = expr(depth + 1);
          skip(true);
          expect(')');
          return inner;
        }
        balanced(depth);
        return new Ref(src.substring(s, pos));
      }
      if ("true".equals(id) || "false".equals(id)) {
        return Boolean.valueOf(id);
      }
      if ("null".equals(id)) {
        return null;
      }
      while (pos < src.length()) {
        char d = src.charAt(pos);
        if (d == '.' || d == '*' || Character.isLetterOrDigit(d) || d == '_' || d == '-') {
          pos++;
        } else if (d == '[') {
          balanced(depth);
        } else {
          break;
        }
      }
      return new Ref(src.substring(s, pos));
    }
    if (c == '(' ) {
      int s = pos;
      balanced(depth);
      return new Ref(src.substring(s, pos));
    }
    throw new IllegalStateException("unexpected character");
  }

  /** Consumes the rest of an expression: up to a newline, comma or closer at depth 0. */
  private void rawUntilEnd(int depth) {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '\n' || c == ',' || c == '}' || c == ']' || c == ')') {
        return;
      }
      if (c == '"') {
        string(depth);
      } else if (c == '(' || c == '[' || c == '{') {
        balanced(depth);
      } else {
        pos++;
      }
    }
  }

  /** Consumes a bracketed group, strings included. */
  private void balanced(int depth) {
    check(depth);
    char open = src.charAt(pos);
    char close = open == '(' ? ')' : open == '[' ? ']' : '}';
    pos++;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == close) {
        pos++;
        return;
      }
      if (c == '"') {
        string(depth + 1);
      } else if (c == '(' || c == '[' || c == '{') {
        balanced(depth + 1);
      } else {
        if (c == '\n') {
          line++;
        }
        pos++;
      }
    }
  }

  /** A quoted string; templates ({@code ${...}}) are kept as written. */
  private Object string(int depth) {
    check(depth);
    expect('"');
    StringBuilder sb = new StringBuilder();
    boolean template = false;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '"') {
        pos++;
        return template ? new Ref(sb.toString()) : sb.toString();
      }
      if (c == '\n') {
        throw new IllegalStateException("unterminated string");
      }
      if (c == '\\' && pos + 1 < src.length()) {
        char n = src.charAt(pos + 1);
        sb.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> n;
        });
        pos += 2;
        continue;
      }
      if ((c == '$' || c == '%') && peek(1) == '{') {
        if (pos > 0 && src.charAt(pos - 1) == c && sb.length() > 0) {
          sb.append('{');
          pos += 2;
          continue;
        }
        template = true;
        int s = pos;
        pos++;
        balanced(depth + 1);
        sb.append(src, s, pos);
        continue;
      }
      sb.append(c);
      pos++;
    }
    throw new IllegalStateException("unterminated string");
  }

  private String heredoc() {
    pos += 2;
    if (peek() == '-' || peek() == '~') {
      pos++;
    }
    String marker = ident();
    int nl = src.indexOf('\n', pos);
    if (nl < 0) {
      throw new IllegalStateException("unterminated heredoc");
    }
    pos = nl + 1;
    line++;
    StringBuilder sb = new StringBuilder();
    while (pos < src.length()) {
      int end = src.indexOf('\n', pos);
      String l = end < 0 ? src.substring(pos) : src.substring(pos, end);
      if (l.trim().equals(marker)) {
        pos = end < 0 ? src.length() : end;
        return sb.toString();
      }
      sb.append(l).append('\n');
      pos = end < 0 ? src.length() : end + 1;
      line++;
    }
    return sb.toString();
  }

  private String ident() {
    int s = pos;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
        pos++;
      } else {
        break;
      }
    }
    if (s == pos) {
      throw new IllegalStateException("expected an identifier");
    }
    return src.substring(s, pos);
  }

  /** Skips blanks and comments; newlines too when {@code lines}. */
  private void skip(boolean lines) {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
      } else if (c == '\n' && lines) {
        pos++;
        line++;
      } else if (c == '#' || (c == '/' && peek(1) == '/')) {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == '/' && peek(1) == '*') {
        int end = src.indexOf("*/", pos + 2);
        int stop = end < 0 ? src.length() : end + 2;
        for (int i = pos; i < stop; i++) {
          if (src.charAt(i) == '\n') {
            line++;
          }
        }
        pos = stop;
      } else {
        return;
      }
    }
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new IllegalStateException("expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < src.length() ? src.charAt(pos) : 0;
  }

  private char peek(int ahead) {
    return pos + ahead < src.length() ? src.charAt(pos + ahead) : 0;
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static void check(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalStateException("nesting too deep");
    }
  }
}
