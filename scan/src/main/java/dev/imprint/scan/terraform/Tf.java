package dev.imprint.scan.terraform;

import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small view of Terraform these rules need: blocks with labels, attributes and nested
 * blocks, and values that are literals, collections, references, function calls or other
 * expressions. {@link TfReader} builds it, so the rules stay independent of any parser's
 * model.
 */
public final class Tf {
  private Tf() {}

  /** A value of an attribute or of an element of a collection. */
  public sealed interface Value permits Str, Num, Bool, Null, Tuple, Obj, Ref, Call, Expr {
    /** The literal text of a string without interpolation, a number or a bool; else null. */
    default String literal() {
      return null;
    }

    /** Every reference (traversal text such as {@code aws_iam_role.app.arn}) inside it. */
    default List<String> refs() {
      List<String> out = new ArrayList<>();
      collectRefs(this, out);
      return out;
    }
  }

  /**
   * A string, quoted or heredoc. {@code template} is true when it interpolates; {@code refs}
   * are the references its interpolations use.
   */
  public record Str(String text, boolean template, List<String> templateRefs) implements Value {
    public Str {
      templateRefs = List.copyOf(templateRefs);
    }

    @Override
    public String literal() {
      return template ? null : text;
    }
  }

  /** A number as written. */
  public record Num(String text) implements Value {
    @Override
    public String literal() {
      return text;
    }
  }

  /** {@code true} or {@code false}. */
  public record Bool(boolean value) implements Value {
    @Override
    public String literal() {
      return Boolean.toString(value);
    }
  }

  /** {@code null}. */
  public record Null() implements Value {}

  /** {@code [a, b]}. */
  public record Tuple(List<Value> items) implements Value {
    public Tuple {
      items = List.copyOf(items);
    }
  }

  /** {@code {k = v}}; keys as written without quotes. */
  public record Obj(Map<String, Value> entries) implements Value {
    public Obj {
      entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
  }

  /** A reference such as {@code var.x} or {@code aws_iam_role.app.arn}. */
  public record Ref(String text) implements Value {}

  /** A function call such as {@code jsonencode({...})}. */
  public record Call(String name, List<Value> args) implements Value {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** Any other expression; its source text and the references it uses. */
  public record Expr(String text, List<String> exprRefs) implements Value {
    public Expr {
      exprRefs = List.copyOf(exprRefs);
    }
  }

  /** An attribute {@code name = value} and where it starts. */
  public record Attr(String name, Value value, int line, int column) {}

  /** A block with its labels, attributes and nested blocks, and where it starts. */
  public record Block(String type, List<String> labels, Map<String, Attr> attrs, List<Block> blocks,
      int line, int column) {
    public Block {
      labels = List.copyOf(labels);
      attrs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
      blocks = List.copyOf(blocks);
    }

    public String label(int i) {
      return i < labels.size() ? labels.get(i) : "";
    }

    /** {@code aws_instance.web}, {@code data.aws_ami.base}, {@code provider.aws}. */
    public String address() {
      return switch (type) {
        case "resource" -> label(0) + "." + label(1);
        case "data" -> "data." + label(0) + "." + label(1);
        default -> type + (labels.isEmpty() ? "" : "." + String.join(".", labels));
      };
    }

    public Attr attr(String name) {
      return attrs.get(name);
    }

    public Value value(String name) {
      Attr a = attrs.get(name);
      return a == null ? null : a.value();
    }

    /** The literal text of an attribute, or null. */
    public String literal(String name) {
      Value v = value(name);
      return v == null ? null : v.literal();
    }

    /** Whether an attribute is the literal {@code true} (or the string "true"). */
    public boolean isTrue(String name) {
      String v = literal(name);
      return v != null && v.trim().equalsIgnoreCase("true");
    }

    public boolean isFalse(String name) {
      String v = literal(name);
      return v != null && v.trim().equalsIgnoreCase("false");
    }

    public List<Block> blocks(String type) {
      return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }

    public Block block(String type) {
      return blocks.stream().filter(b -> b.type().equals(type)).findFirst().orElse(null);
    }

    public boolean isResource(String resourceType) {
      return type.equals("resource") && label(0).equals(resourceType);
    }

    public boolean isData(String dataType) {
      return type.equals("data") && label(0).equals(dataType);
    }
  }

  /**
   * One parsed file: its source, its top-level blocks and where each value read from it starts.
   *
   * @param positions the 0-based offset in the source of every value the reader built (an
   *     attribute's value, an element of a collection, an argument of a call), by identity
   */
  public record File(SourceFile source, List<Block> blocks, Positions positions) {
    public File {
      blocks = List.copyOf(blocks);
      positions = positions == null ? new Positions() : positions;
    }

    /** A file without value positions (tests, synthetic files). */
    public File(SourceFile source, List<Block> blocks) {
      this(source, blocks, new Positions());
    }

    /** The 1-based line where a value of this file starts, or 0 when it is not from it. */
    public int line(Value v) {
      int offset = positions.offset(v);
      return offset < 0 ? 0 : source.locationOfOffset(offset).line();
    }

    /** The 1-based column where a value of this file starts, or 0 when it is not from it. */
    public int column(Value v) {
      int offset = positions.offset(v);
      return offset < 0 ? 0 : source.locationOfOffset(offset).column();
    }

    /** Whether a value was read from this file (and so has a line in it). */
    public boolean holds(Value v) {
      return positions.offset(v) >= 0;
    }
  }

  /**
   * Where values start in their source, by identity: a value resolved from a variable or local
   * keeps the position of its definition, and values built later (by resolution) have none.
   */
  public static final class Positions {
    private final java.util.IdentityHashMap<Value, Integer> offsets =
        new java.util.IdentityHashMap<>();

    void put(Value v, int offset) {
      offsets.putIfAbsent(v, offset);
    }

    /** The 0-based offset of a value, or -1. */
    int offset(Value v) {
      Integer o = v == null ? null : offsets.get(v);
      return o == null ? -1 : o;
    }

    /** Positions follow from a file's source and blocks, so they take no part in equality. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Positions;
    }

    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public String toString() {
      return "Positions[" + offsets.size() + "]";
    }
  }

  /**
   * Whether {@code v} is {@code within} itself or one of the values written inside it (by
   * identity): a value that a variable or local supplied is not, even when it is equal.
   */
  public static boolean writtenIn(Value within, Value v) {
    return writtenIn(within, v, 0);
  }

  private static boolean writtenIn(Value within, Value v, int depth) {
    if (within == null || v == null || depth > 16) {
      return false;
    }
    if (within == v) {
      return true;
    }
    if (within instanceof Tuple t) {
      return t.items().stream().anyMatch(i -> writtenIn(i, v, depth + 1));
    }
    if (within instanceof Obj o) {
      return o.entries().values().stream().anyMatch(i -> writtenIn(i, v, depth + 1));
    }
    if (within instanceof Call c) {
      return c.args().stream().anyMatch(i -> writtenIn(i, v, depth + 1));
    }
    return false;
  }

  /** Strings inside a value: literals, template text, and strings nested in collections. */
  public static List<String> strings(Value v) {
    List<String> out = new ArrayList<>();
    collectStrings(v, out, 0);
    return out;
  }

  private static void collectStrings(Value v, List<String> out, int depth) {
    if (v == null || depth > 64) {
      return;
    }
    if (v instanceof Str s) {
      out.add(s.text());
    } else if (v instanceof Tuple t) {
      t.items().forEach(i -> collectStrings(i, out, depth + 1));
    } else if (v instanceof Obj o) {
      o.entries().values().forEach(i -> collectStrings(i, out, depth + 1));
    } else if (v instanceof Call c) {
      c.args().forEach(i -> collectStrings(i, out, depth + 1));
    }
  }

  private static void collectRefs(Value v, List<String> out) {
    collectRefs(v, out, 0);
  }

  private static void collectRefs(Value v, List<String> out, int depth) {
    if (v == null || depth > 64) {
      return;
    }
    if (v instanceof Ref r) {
      out.add(r.text());
    } else if (v instanceof Str s) {
      out.addAll(s.templateRefs());
    } else if (v instanceof Expr e) {
      out.addAll(e.exprRefs());
    } else if (v instanceof Tuple t) {
      t.items().forEach(i -> collectRefs(i, out, depth + 1));
    } else if (v instanceof Obj o) {
      o.entries().values().forEach(i -> collectRefs(i, out, depth + 1));
    } else if (v instanceof Call c) {
      c.args().forEach(i -> collectRefs(i, out, depth + 1));
    }
  }

  /** Literal strings of a value that is one literal or a tuple of literals. */
  public static List<String> literals(Value v) {
    List<String> out = new ArrayList<>();
    if (v instanceof Tuple t) {
      for (Value i : t.items()) {
        if (i.literal() != null) {
          out.add(i.literal());
        }
      }
    } else if (v != null && v.literal() != null) {
      out.add(v.literal());
    }
    return out;
  }

  /** The text of a value as the policy would see it; references become {@code ${ref}}. */
  public static String text(Value v) {
    if (v == null || v instanceof Null) {
      return "";
    }
    if (v instanceof Str s) {
      return s.text();
    }
    if (v.literal() != null) {
      return v.literal();
    }
    if (v instanceof Ref r) {
      return "${" + r.text() + "}";
    }
    if (v instanceof Expr e) {
      return "${" + e.text() + "}";
    }
    if (v instanceof Call c) {
      return "${" + c.name() + "(...)}";
    }
    return "${...}";
  }
}
