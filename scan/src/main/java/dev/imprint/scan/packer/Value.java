package dev.imprint.scan.packer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value in a Packer template, whichever syntax it was written in: a scalar, a list or a map,
 * each with the 1-based line and column where it (or, in HCL, its attribute) starts.
 */
public sealed interface Value permits Value.Scalar, Value.Sequence, Value.Mapping {

  /** 1-based line of the value. */
  int line();

  /** 1-based column of the value. */
  int column();

  /**
   * A string, number, bool or null, or an expression kept as text.
   *
   * @param text the literal text, or the expression's text ({@code ${var.x}}, a template)
   * @param literal true when the value is fixed in the file: no reference, call or
   *     interpolation ({@code ${...}}, {@code {{user `x`}}})
   */
  record Scalar(String text, boolean literal, int line, int column) implements Value {}

  /** A list of values. */
  record Sequence(List<Value> items, int line, int column) implements Value {
    public Sequence {
      items = List.copyOf(items);
    }
  }

  /** A map from keys to values, in file order. */
  record Mapping(Map<String, Value> fields, int line, int column) implements Value {
    public Mapping {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The value of a key, or null. */
    public Value get(String key) {
      return fields.get(key);
    }
  }

  /** The scalars of a value that is one scalar or a list of scalars; empty otherwise. */
  static List<Scalar> scalars(Value v) {
    List<Scalar> out = new ArrayList<>();
    if (v instanceof Scalar s) {
      out.add(s);
    } else if (v instanceof Sequence seq) {
      for (Value i : seq.items()) {
        if (i instanceof Scalar s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** The literal text of a value that is a literal scalar, else null. */
  static String literal(Value v) {
    return v instanceof Scalar s && s.literal() ? s.text() : null;
  }
}
