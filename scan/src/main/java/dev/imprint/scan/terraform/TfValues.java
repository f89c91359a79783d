package dev.imprint.scan.terraform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The input variables and local values of one module, substituted into a value where they are
 * known statically: {@code var.NAME} takes its value from an auto-loaded variable definitions
 * file ({@code terraform.tfvars}, then {@code *.auto.tfvars} in name order, the last one winning)
 * or else from the variable's {@code default}; {@code local.NAME} takes its {@code locals} value,
 * itself resolved; a template whose every interpolation resolves to a literal becomes that
 * string. Anything else (module calls, {@code for_each}, {@code count}, functions, values given
 * with {@code -var} on the command line) stays as written, and so does a cycle of locals.
 */
public final class TfValues {
  /** How many locals a value may go through (a chain of locals) before it stays unresolved. */
  private static final int MAX_DEPTH = 32;
  /** How many values one resolution may visit; locals used many times could explode it. */
  private static final int MAX_NODES = 20_000;
  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{~?([^{}]{0,400}?)~?\\}");
  private static final Pattern REF = Pattern.compile(
      "(var|local)\\.([A-Za-z_][A-Za-z0-9_-]{0,200})"
          + "((?:\\.[A-Za-z_][A-Za-z0-9_-]{0,200}|\\[[0-9]{1,6}\\]|\\[\"[^\"\\]]{0,200}\"\\]){0,16})");
  private static final Pattern STEP =
      Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[([0-9]+)\\]|\\[\"([^\"\\]]*)\"\\]");

  private final Map<String, Tf.Value> variables = new HashMap<>();
  private final Map<String, Tf.Value> locals = new HashMap<>();
  /**
   * The written value each rebuilt collection, call or template was made from, so that a
   * resolved value can still be placed where it is written (see {@link #origin}).
   */
  private final Map<Tf.Value, Tf.Value> origins = new java.util.IdentityHashMap<>();

  /** The values of the module made of these files (its {@code .tf} and auto-loaded tfvars). */
  public TfValues(List<Tf.File> files) {
    Map<String, Tf.Value> defaults = new HashMap<>();
    Set<String> declared = new HashSet<>();
    List<Tf.File> definitions = new ArrayList<>();
    for (Tf.File f : files) {
      for (Tf.Block b : f.blocks()) {
        switch (b.type()) {
          case "variable" -> {
            declared.add(b.label(0));
            if (b.value("default") != null) {
              defaults.putIfAbsent(b.label(0), b.value("default"));
            }
          }
          case "locals" -> b.attrs().forEach((k, a) -> locals.putIfAbsent(k, a.value()));
          case "tfvars" -> {
            if (autoLoaded(f.source().name()) && !definitions.contains(f)) {
              definitions.add(f);
            }
          }
          default -> { }
        }
      }
    }
    variables.putAll(defaults);
    definitions.sort((a, b) -> loadOrder(a).compareTo(loadOrder(b)));
    for (Tf.File f : definitions) {
      for (Tf.Block b : f.blocks()) {
        b.attrs().forEach((k, a) -> {
          if (declared.contains(k)) {
            variables.put(k, a.value());
          }
        });
      }
    }
  }

  /**
   * Whether Terraform loads a variable definitions file of this name by itself (without
   * {@code -var-file}): {@code terraform.tfvars} and {@code *.auto.tfvars}.
   */
  public static boolean autoLoaded(String fileName) {
    String n = fileName.substring(fileName.lastIndexOf('/') + 1);
    return n.equals("terraform.tfvars") || n.endsWith(".auto.tfvars");
  }

  private static String loadOrder(Tf.File f) {
    String n = f.source().name();
    n = n.substring(n.lastIndexOf('/') + 1);
    return (n.equals("terraform.tfvars") ? "0" : "1") + n;
  }

  /**
   * The written value a value returned by {@link #resolve} was rebuilt from, or the value
   * itself when it was not rebuilt (a literal, or a value nothing in which resolved).
   */
  public Tf.Value origin(Tf.Value v) {
    Tf.Value at = v;
    for (int i = 0; i < 16; i++) {
      Tf.Value o = origins.get(at);
      if (o == null) {
        return at;
      }
      at = o;
    }
    return at;
  }

  private Tf.Value derived(Tf.Value rebuilt, Tf.Value from) {
    origins.put(rebuilt, from);
    return rebuilt;
  }

  /**
   * The value with every {@code var.*} and {@code local.*} it uses replaced where known; the
   * same instance when nothing resolves.
   */
  public Tf.Value resolve(Tf.Value v) {
    if (v == null || variables.isEmpty() && locals.isEmpty()) {
      return v;
    }
    try {
      return new Walk().value(v, 0);
    } catch (TooLarge e) {
      return v;
    }
  }

  /** Thrown when one resolution visits too many values; the value then stays as written. */
  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  /** One resolution: the locals being resolved (to stop at a cycle) and a budget. */
  private final class Walk {
    private final Set<String> active = new HashSet<>();
    private int nodes;

    Tf.Value value(Tf.Value v, int depth) {
      if (++nodes > MAX_NODES) {
        throw new TooLarge();
      }
      if (depth > MAX_DEPTH * 4) {
        return v;
      }
      if (v instanceof Tf.Ref r) {
        Tf.Value resolved = ref(r.text(), depth);
        return resolved == null ? v : resolved;
      }
      if (v instanceof Tf.Str s && s.template()) {
        String text = template(s.text(), depth);
        return text == null ? v : derived(new Tf.Str(text, false, List.of()), v);
      }
      if (v instanceof Tf.Tuple t) {
        List<Tf.Value> items = new ArrayList<>();
        boolean changed = false;
        for (Tf.Value i : t.items()) {
          Tf.Value r = value(i, depth + 1);
          changed |= r != i;
          items.add(r);
        }
        return changed ? derived(new Tf.Tuple(items), v) : v;
      }
      if (v instanceof Tf.Obj o) {
        Map<String, Tf.Value> entries = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, Tf.Value> e : o.entries().entrySet()) {
          Tf.Value r = value(e.getValue(), depth + 1);
          changed |= r != e.getValue();
          entries.put(e.getKey(), r);
        }
        return changed ? derived(new Tf.Obj(entries), v) : v;
      }
      if (v instanceof Tf.Call c) {
        List<Tf.Value> args = new ArrayList<>();
        boolean changed = false;
        for (Tf.Value a : c.args()) {
          Tf.Value r = value(a, depth + 1);
          changed |= r != a;
          args.add(r);
        }
        return changed ? derived(new Tf.Call(c.name(), args), v) : v;
      }
      return v;
    }

    /** The value of {@code var.x}, {@code local.x} and steps into them, or null. */
    private Tf.Value ref(String text, int depth) {
      Matcher m = REF.matcher(text.trim());
      if (!m.matches()) {
        return null;
      }
      String name = m.group(2);
      Tf.Value base;
      if (m.group(1).equals("var")) {
        base = variables.get(name);
      } else {
        if (active.contains(name) || active.size() >= MAX_DEPTH || !locals.containsKey(name)) {
          return null;
        }
        active.add(name);
        try {
          base = value(locals.get(name), depth + 1);
        } finally {
          active.remove(name);
        }
      }
      if (base == null || unresolved(base)) {
        return null;
      }
      return steps(base, m.group(3));
    }

    /** Follows {@code .key}, {@code [0]} and {@code ["key"]} into a resolved value. */
    private Tf.Value steps(Tf.Value base, String path) {
      if (path.isEmpty()) {
        return base;
      }
      if (base instanceof Tf.Ref r) {
        return new Tf.Ref(r.text() + path);
      }
      Tf.Value at = base;
      Matcher s = STEP.matcher(path);
      while (s.find()) {
        if (s.group(2) != null && at instanceof Tf.Tuple t) {
          int i = Integer.parseInt(s.group(2));
          at = i < t.items().size() ? t.items().get(i) : null;
        } else if (s.group(2) == null && at instanceof Tf.Obj o) {
          at = o.entries().get(s.group(1) != null ? s.group(1) : s.group(3));
        } else {
          return null;
        }
        if (at == null) {
          return null;
        }
      }
      return at;
    }

    /** The text of a template whose every interpolation resolves to a literal, or null. */
    private String template(String text, int depth) {
      if (text.contains("%{")) {
        return null;
      }
      Matcher m = INTERPOLATION.matcher(text);
      StringBuilder out = new StringBuilder();
      int last = 0;
      while (m.find()) {
        Tf.Value r = ref(m.group(1), depth + 1);
        String literal = r == null ? null : r.literal();
        if (literal == null) {
          return null;
        }
        out.append(text, last, m.start()).append(literal);
        last = m.end();
      }
      out.append(text, last, text.length());
      String result = out.toString();
      return result.contains("${") ? null : result;
    }
  }

  /** A value that is itself still a variable or local (a cycle or an unknown variable). */
  private static boolean unresolved(Tf.Value v) {
    return v instanceof Tf.Ref r && (r.text().startsWith("var.") || r.text().startsWith("local."));
  }
}
