package dev.imprint.server.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A recursive-descent parser for the PromQL that Imprint's rules and dashboard use (no
 * maintained Java PromQL parser is published): selectors with label matchers, range vectors,
 * offsets, subqueries, functions (checked by name, arity and argument type), aggregations with
 * by/without, and binary operators with their precedence, bool, on/ignoring and
 * group_left/group_right. It returns the metric names an expression reads, and throws
 * {@link IllegalArgumentException} with the offset for anything it does not accept.
 */
final class PromQl {
  /** What an expression evaluates to, for argument checks. */
  enum Type { SCALAR, STRING, VECTOR, MATRIX }

  /** A parsed expression: its type and the metric names it reads. */
  record Parsed(Type type, Set<String> metrics) {}

  private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "count",
      "stddev", "stdvar", "group", "topk", "bottomk", "quantile", "count_values");
  private static final Set<String> PARAMETERISED = Set.of("topk", "bottomk", "quantile",
      "count_values");
  /** Function name to its argument types (a trailing null: the rest are optional). */
  private static final Map<String, Type[]> FUNCTIONS = Map.ofEntries(
      Map.entry("rate", new Type[] {Type.MATRIX}),
      Map.entry("irate", new Type[] {Type.MATRIX}),
      Map.entry("increase", new Type[] {Type.MATRIX}),
      Map.entry("delta", new Type[] {Type.MATRIX}),
      Map.entry("deriv", new Type[] {Type.MATRIX}),
      Map.entry("changes", new Type[] {Type.MATRIX}),
      Map.entry("resets", new Type[] {Type.MATRIX}),
      Map.entry("avg_over_time", new Type[] {Type.MATRIX}),
      Map.entry("max_over_time", new Type[] {Type.MATRIX}),
      Map.entry("min_over_time", new Type[] {Type.MATRIX}),
      Map.entry("sum_over_time", new Type[] {Type.MATRIX}),
      Map.entry("last_over_time", new Type[] {Type.MATRIX}),
      Map.entry("absent_over_time", new Type[] {Type.MATRIX}),
      Map.entry("absent", new Type[] {Type.VECTOR}),
      Map.entry("abs", new Type[] {Type.VECTOR}),
      Map.entry("ceil", new Type[] {Type.VECTOR}),
      Map.entry("floor", new Type[] {Type.VECTOR}),
      Map.entry("round", new Type[] {Type.VECTOR, null, Type.SCALAR}),
      Map.entry("clamp_min", new Type[] {Type.VECTOR, Type.SCALAR}),
      Map.entry("clamp_max", new Type[] {Type.VECTOR, Type.SCALAR}),
      Map.entry("histogram_quantile", new Type[] {Type.SCALAR, Type.VECTOR}),
      Map.entry("scalar", new Type[] {Type.VECTOR}),
      Map.entry("vector", new Type[] {Type.SCALAR}),
      Map.entry("time", new Type[] {}),
      Map.entry("timestamp", new Type[] {Type.VECTOR}));
  private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private final String src;
  private final List<String> tokens = new ArrayList<>();
  private final List<Integer> offsets = new ArrayList<>();
  private int pos;
  private final Set<String> metrics = new LinkedHashSet<>();

  private PromQl(String src) {
    this.src = src;
    lex();
  }

  /** Parses {@code expr}. */
  static Parsed parse(String expr) {
    PromQl p = new PromQl(expr);
    Type t = p.expr(0);
    if (p.pos < p.tokens.size()) {
      throw p.error("expected the end of the expression");
    }
    return new Parsed(t, p.metrics);
  }

  // ---- lexer ----

  private void lex() {
    int i = 0;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '#') { // a comment to the end of the line
        while (i < src.length() && src.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      int start = i;
      if (c == '"' || c == '\'' || c == '`') {
        i++;
        while (i < src.length() && src.charAt(i) != c) {
          i += src.charAt(i) == '\\' && c != '`' ? 2 : 1;
        }
        if (i >= src.length()) {
          throw new IllegalArgumentException("unterminated string at offset " + start);
        }
        i++;
      } else if (Character.isLetter(c) || c == '_' || c == ':' && i + 1 < src.length()
          && (Character.isLetter(src.charAt(i + 1)) || src.charAt(i + 1) == '_')) {
        while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i))
            || src.charAt(i) == '_' || src.charAt(i) == ':')) {
          i++;
        }
      } else if (Character.isDigit(c) || c == '.' && i + 1 < src.length()
          && Character.isDigit(src.charAt(i + 1))) {
        while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i))
            || src.charAt(i) == '.')) {
          i++;
        }
      } else if (src.startsWith("==", i) || src.startsWith("!=", i) || src.startsWith(">=", i)
          || src.startsWith("<=", i) || src.startsWith("=~", i) || src.startsWith("!~", i)) {
        i += 2;
      } else if ("+-*/%^<>=(){}[],:@".indexOf(c) >= 0) {
        i++;
      } else {
        throw new IllegalArgumentException("unexpected character '" + c + "' at offset " + i);
      }
      tokens.add(src.substring(start, i));
      offsets.add(start);
    }
  }

  // ---- parser ----

  private static int precedence(String op) {
    return switch (op.toLowerCase(Locale.ROOT)) {
      case "or" -> 1;
      case "and", "unless" -> 2;
      case "==", "!=", ">", "<", ">=", "<=" -> 3;
      case "+", "-" -> 4;
      case "*", "/", "%", "atan2" -> 5;
      case "^" -> 6;
      default -> -1;
    };
  }

  /** Precedence climbing from {@code min}; {@code ^} is right-associative. */
  private Type expr(int min) {
    Type left = unary();
    while (pos < tokens.size()) {
      String op = peek();
      int prec = precedence(op);
      if (prec < 0 || prec < min) {
        break;
      }
      next();
      boolean comparison = prec == 3;
      boolean set = prec <= 2;
      if (comparison && is("bool")) {
        next();
      }
      if (is("on") || is("ignoring")) {
        next();
        labels();
        if (is("group_left") || is("group_right")) {
          next();
          if (is("(")) {
            labels();
          }
        }
      }
      Type right = expr(prec == 6 ? prec : prec + 1);
      if (set && (left != Type.VECTOR || right != Type.VECTOR)) {
        throw error("'" + op + "' needs vectors on both sides");
      }
      if (left == Type.MATRIX || right == Type.MATRIX || left == Type.STRING
          || right == Type.STRING) {
        throw error("'" + op + "' cannot take a range vector or a string");
      }
      left = left == Type.SCALAR && right == Type.SCALAR ? Type.SCALAR : Type.VECTOR;
    }
    return left;
  }

  private Type unary() {
    if (is("-") || is("+")) {
      next();
      Type t = unary();
      if (t != Type.SCALAR && t != Type.VECTOR) {
        throw error("a sign needs a number or a vector");
      }
      return t;
    }
    return postfix(primary());
  }

  /** Range, offset, @ and subquery suffixes. */
  private Type postfix(Type t) {
    while (pos < tokens.size()) {
      if (is("[")) {
        next();
        duration();
        boolean subquery = false;
        if (is(":")) {
          next();
          subquery = true;
          if (!is("]")) {
            duration();
          }
        }
        expect("]");
        if (t != Type.VECTOR) {
          throw error("a range needs an instant vector before it");
        }
        if (!subquery && !lastWasSelector) {
          throw error("a range [d] applies to a selector; use a subquery [d:step] otherwise");
        }
        t = Type.MATRIX;
      } else if (is("offset")) {
        next();
        if (is("-")) {
          next();
        }
        duration();
      } else if (is("@")) {
        next();
        next();
        if (is("(")) {
          expect("(");
          expect(")");
        }
      } else {
        break;
      }
    }
    lastWasSelector = false;
    return t;
  }

  private boolean lastWasSelector;

  private Type primary() {
    lastWasSelector = false;
    String t = peek();
    if (t == null) {
      throw error("expected an expression");
    }
    if (t.equals("(")) {
      next();
      Type inner = expr(0);
      expect(")");
      return inner;
    }
    if (t.startsWith("\"") || t.startsWith("'") || t.startsWith("`")) {
      next();
      return Type.STRING;
    }
    if (Character.isDigit(t.charAt(0)) || t.charAt(0) == '.') {
      next();
      try {
        Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw error("'" + t + "' is not a number");
      }
      return Type.SCALAR;
    }
    if (t.equals("{")) {
      selector(null);
      return Type.VECTOR;
    }
    if (!METRIC.matcher(t).matches()) {
      throw error("unexpected '" + t + "'");
    }
    String name = t.toLowerCase(Locale.ROOT);
    if (AGGREGATIONS.contains(name)) {
      return aggregation(name);
    }
    if (FUNCTIONS.containsKey(name) && "(".equals(peek(1))) {
      return function(name);
    }
    if ("(".equals(peek(1))) {
      throw error("unknown function '" + t + "'");
    }
    next();
    selector(t);
    return Type.VECTOR;
  }

  private void selector(String name) {
    boolean named = name != null;
    if (named) {
      metrics.add(name);
    }
    if (is("{")) {
      next();
      boolean anyNonEmpty = false;
      while (!is("}")) {
        String label = next();
        if (!METRIC.matcher(label).matches() || label.contains(":")) {
          throw error("expected a label name, got '" + label + "'");
        }
        String op = next();
        if (!Set.of("=", "!=", "=~", "!~").contains(op)) {
          throw error("expected =, !=, =~ or !~ after label " + label + ", got '" + op + "'");
        }
        String value = next();
        if (value == null || !(value.startsWith("\"") || value.startsWith("'")
            || value.startsWith("`"))) {
          throw error("expected a quoted label value for " + label);
        }
        String v = value.substring(1, value.length() - 1);
        if (op.endsWith("~")) {
          try {
            Pattern.compile(v);
          } catch (java.util.regex.PatternSyntaxException e) {
            throw error("label " + label + " has an invalid regex: " + e.getDescription());
          }
        }
        if (label.equals("__name__") && op.equals("=")) {
          metrics.add(v);
          named = true;
        }
        anyNonEmpty |= !(op.equals("=") && v.isEmpty()) && !(op.equals("=~") && v.equals(".*"));
        if (is(",")) {
          next();
        } else if (!is("}")) {
          throw error("expected ',' or '}' in a selector");
        }
      }
      next();
      if (!named && !anyNonEmpty) {
        throw error("a selector needs a metric name or a label matcher that does not match"
            + " the empty string");
      }
    } else if (!named) {
      throw error("expected a selector");
    }
    lastWasSelector = true;
  }

  private Type aggregation(String name) {
    next();
    if (is("by") || is("without")) {
      next();
      labels();
    }
    expect("(");
    if (PARAMETERISED.contains(name)) {
      Type param = expr(0);
      if (param != (name.equals("count_values") ? Type.STRING : Type.SCALAR)) {
        throw error(name + " needs a " + (name.equals("count_values") ? "string" : "number")
            + " parameter first");
      }
      expect(",");
    }
    Type arg = expr(0);
    if (arg != Type.VECTOR) {
      throw error(name + " aggregates an instant vector, got a " + arg.name()
          .toLowerCase(Locale.ROOT));
    }
    expect(")");
    if (is("by") || is("without")) {
      next();
      labels();
    }
    return Type.VECTOR;
  }

  private Type function(String name) {
    next();
    expect("(");
    Type[] want = FUNCTIONS.get(name);
    int n = 0;
    boolean optional = false;
    while (!is(")")) {
      if (n > 0) {
        expect(",");
      }
      Type got = expr(0);
      int slot = n;
      if (slot < want.length && want[slot] == null) {
        optional = true;
        slot++;
      }
      if (slot >= want.length) {
        throw error(name + " takes " + want.length + " argument(s), got more");
      }
      if (got != want[slot] && !(want[slot] == Type.VECTOR && got == Type.VECTOR)) {
        throw error(name + " argument " + (n + 1) + " must be a " + want[slot].name()
            .toLowerCase(Locale.ROOT).replace("matrix", "range vector") + ", got a "
            + got.name().toLowerCase(Locale.ROOT).replace("matrix", "range vector"));
      }
      n++;
    }
    next();
    long required = java.util.Arrays.stream(want).takeWhile(t -> t != null).count();
    if (n < required) {
      throw error(name + " needs " + required + " argument(s), got " + n);
    }
    if (!optional && n > want.length) {
      throw error(name + " takes " + want.length + " argument(s)");
    }
    return name.equals("scalar") || name.equals("time") ? Type.SCALAR : Type.VECTOR;
  }

  private void labels() {
    expect("(");
    while (!is(")")) {
      String l = next();
      if (l == null || !METRIC.matcher(l).matches()) {
        throw error("expected a label name, got '" + l + "'");
      }
      if (is(",")) {
        next();
      }
    }
    next();
  }

  private void duration() {
    String d = next();
    if (d == null || !DURATION.matcher(d).matches()) {
      throw error("expected a duration such as 5m, got '" + d + "'");
    }
  }

  // ---- tokens ----

  private String peek() {
    return peek(0);
  }

  private String peek(int ahead) {
    return pos + ahead < tokens.size() ? tokens.get(pos + ahead) : null;
  }

  private boolean is(String t) {
    String p = peek();
    return p != null && p.equalsIgnoreCase(t);
  }

  private String next() {
    return pos < tokens.size() ? tokens.get(pos++) : null;
  }

  private void expect(String t) {
    if (!is(t)) {
      throw error("expected '" + t + "'");
    }
    next();
  }

  private IllegalArgumentException error(String message) {
    int at = pos < offsets.size() ? offsets.get(pos) : src.length();
    return new IllegalArgumentException(message + " at offset " + at + " in: " + src);
  }
}
