package dev.imprint.scan.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.aws.PolicyIssue.Part;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import dev.imprint.scan.terraform.TfModule.Located;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the statements of a policy are written, so that a finding points at the offending
 * {@code Action}, {@code Resource}, {@code Principal} or condition line: inside a
 * {@code jsonencode({...})} object, a JSON heredoc or file, or the blocks of a
 * {@code data "aws_iam_policy_document"} (in the same file or another file of the module).
 *
 * @param source the file the statements are written in
 * @param statements the lines of each statement, in document order (as {@link PolicySources}
 *     reads them)
 */
record PolicyPlaces(SourceFile source, List<Lines> statements) {

  /** Past this size a JSON policy is not walked for lines (it is then not a policy anyway). */
  private static final int MAX_CHARS = PolicyDocument.MAX_CHARS;
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();

  /**
   * The 1-based lines of one statement's parts; 0 where a part is absent or not located.
   *
   * @param conditionKeys the line of each condition key, by the key in lower case
   */
  record Lines(int statement, int action, int resource, int principal,
      Map<String, Integer> conditionKeys) {

    /** The line of a part, else of the statement; 0 when neither is known. */
    int of(Part part, String conditionKey) {
      int line = switch (part) {
        case ACTION -> action;
        case RESOURCE -> resource != 0 ? resource : action;
        case PRINCIPAL -> principal;
        case CONDITION -> conditionKey == null ? 0
            : conditionKeys.getOrDefault(conditionKey.trim().toLowerCase(Locale.ROOT), 0);
      };
      return line != 0 ? line : statement;
    }
  }

  /** The places of the policy a value holds, or null when they cannot be located. */
  static PolicyPlaces locate(Tf.Value written, TfModule module) {
    Tf.Value v = module.resolve(written);
    if (v instanceof Tf.Call c && c.name().equals("jsonencode") && c.args().size() == 1) {
      return fromObject(c.args().get(0), module);
    }
    if (v instanceof Tf.Str s) {
      TfModule.Place at = module.place(v);
      at = at != null ? at : module.place(written);
      return at == null ? null : fromJson(s.text(), at);
    }
    SourceFile document = PolicySources.document(v, module);
    if (document != null) {
      return fromJson(document.text(), document, 1);
    }
    if (v instanceof Tf.Ref r) {
      Located target = module.target(r.text());
      if (target != null && target.block().isData("aws_iam_policy_document")) {
        return fromDataSource(target, module);
      }
    }
    return null;
  }

  // ---- jsonencode({...}) ----

  private static PolicyPlaces fromObject(Tf.Value root, TfModule module) {
    if (!(root instanceof Tf.Obj doc)) {
      return null;
    }
    Tf.Value st = entry(doc, "Statement");
    List<Tf.Value> items = st instanceof Tf.Tuple t ? t.items() : st == null ? List.of()
        : List.of(st);
    Tf.File file = null;
    List<Lines> out = new ArrayList<>();
    for (Tf.Value item : items) {
      TfModule.Place at = module.place(item);
      if (file == null && at != null) {
        file = at.file();
      }
      // The parts' lines are where the statement writes them (Action = var.actions), not where
      // a variable or local they name is defined.
      if (!(module.origin(item) instanceof Tf.Obj o) || file == null) {
        out.add(new Lines(at == null ? 0 : at.line(), 0, 0, 0, Map.of()));
        continue;
      }
      Map<String, Integer> keys = new HashMap<>();
      if (entry(o, "Condition") instanceof Tf.Obj ops) {
        for (Tf.Value op : ops.entries().values()) {
          if (op instanceof Tf.Obj byKey) {
            for (Map.Entry<String, Tf.Value> e : byKey.entries().entrySet()) {
              keys.putIfAbsent(e.getKey().trim().toLowerCase(Locale.ROOT),
                  line(module, file, e.getValue()));
            }
          }
        }
      }
      out.add(new Lines(line(module, file, item),
          line(module, file, either(o, "Action", "NotAction")),
          line(module, file, either(o, "Resource", "NotResource")),
          line(module, file, either(o, "Principal", "NotPrincipal")), keys));
    }
    return file == null ? null : new PolicyPlaces(file.source(), out);
  }

  /** The line of a value where it is written in {@code file}; 0 elsewhere or unknown. */
  private static int line(TfModule module, Tf.File file, Tf.Value v) {
    TfModule.Place p = module.place(v);
    return p != null && p.file() == file ? p.line() : 0;
  }

  private static Tf.Value either(Tf.Obj o, String a, String b) {
    Tf.Value v = entry(o, a);
    return v != null ? v : entry(o, b);
  }

  /** An entry by name, compared case-insensitively as {@link PolicyDocument} does. */
  private static Tf.Value entry(Tf.Obj o, String name) {
    Tf.Value exact = o.entries().get(name);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, Tf.Value> e : o.entries().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  // ---- JSON text (a heredoc, a quoted string or a file) ----

  private static PolicyPlaces fromJson(String text, TfModule.Place at) {
    // A heredoc's text starts on the line after its <<MARKER; a quoted string is one line.
    String source = at.file().source().line(at.line());
    int col = Math.max(0, at.column() - 1);
    boolean heredoc = col < source.length() && source.startsWith("<<", col);
    return fromJson(text, at.file().source(), heredoc ? at.line() + 1 : -at.line());
  }

  /**
   * The statements of JSON text in {@code file}: {@code base} is the file line of the text's
   * first line, or minus the one line every part is on (a quoted string).
   */
  private static PolicyPlaces fromJson(String text, SourceFile file, int base) {
    if (text.length() > MAX_CHARS) {
      return null;
    }
    List<Lines> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (!name.equalsIgnoreCase("Statement")) {
          p.skipChildren();
          continue;
        }
        if (t == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            out.add(statement(p, base));
          }
        } else if (t == JsonToken.START_OBJECT) {
          out.add(statement(p, base));
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      return out.isEmpty() ? null : new PolicyPlaces(file, out);
    }
    return new PolicyPlaces(file, out);
  }

  /**
   * Reads one statement object whose START_OBJECT was consumed. {@code base} is the file line of
   * the text's first line, or minus the one line every part is on (a quoted string).
   */
  private static Lines statement(JsonParser p, int base) throws IOException {
    int start = fileLine(p, base);
    int action = 0;
    int resource = 0;
    int principal = 0;
    Map<String, Integer> keys = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName().toLowerCase(Locale.ROOT);
      int at = fileLine(p, base);
      JsonToken t = p.nextToken();
      switch (name) {
        case "action", "notaction" -> action = at;
        case "resource", "notresource" -> resource = at;
        case "principal", "notprincipal" -> principal = at;
        case "condition" -> {
          if (t == JsonToken.START_OBJECT) {
            conditionKeys(p, base, keys);
            continue;
          }
        }
        default -> { }
      }
      p.skipChildren();
    }
    return new Lines(start, action, resource, principal, keys);
  }

  private static void conditionKeys(JsonParser p, int base, Map<String, Integer> keys)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        keys.putIfAbsent(p.currentName().trim().toLowerCase(Locale.ROOT), fileLine(p, base));
        p.nextToken();
        p.skipChildren();
      }
    }
  }

  private static int fileLine(JsonParser p, int base) {
    return base < 0 ? -base : base + p.currentTokenLocation().getLineNr() - 1;
  }

  // ---- data "aws_iam_policy_document" ----

  private static PolicyPlaces fromDataSource(Located data, TfModule module) {
    List<Lines> out = new ArrayList<>();
    for (Tf.Block s : data.block().blocks("statement")) {
      Map<String, Integer> keys = new HashMap<>();
      for (Tf.Block c : PolicySources.conditionBlocks(s)) {
        String key = PolicySources.text(module.resolve(c.value("variable")));
        Tf.Attr values = c.attr("values");
        keys.putIfAbsent(key.trim().toLowerCase(Locale.ROOT),
            values != null ? values.line() : c.line());
      }
      out.add(new Lines(s.line(), attrLine(s, "actions", "not_actions"),
          attrLine(s, "resources", "not_resources"), principalLine(s), keys));
    }
    return new PolicyPlaces(data.file().source(), out);
  }

  private static int attrLine(Tf.Block b, String a, String alt) {
    Tf.Attr attr = b.attr(a) != null ? b.attr(a) : b.attr(alt);
    return attr == null ? 0 : attr.line();
  }

  private static int principalLine(Tf.Block s) {
    List<Tf.Block> p = s.blocks("principals");
    if (p.isEmpty()) {
      p = s.blocks("not_principals");
    }
    if (p.isEmpty()) {
      return 0;
    }
    Tf.Attr ids = p.get(0).attr("identifiers");
    return ids != null ? ids.line() : p.get(0).line();
  }
}
