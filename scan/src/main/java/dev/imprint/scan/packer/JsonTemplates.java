package dev.imprint.scan.packer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.packer.PackerReader.Failed;
import dev.imprint.scan.packer.PackerReader.NotPacker;
import dev.imprint.scan.packer.PackerReader.Parsed;
import dev.imprint.scan.packer.PackerReader.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads JSON templates, legacy and HCL2-JSON, with Jackson's token locations. */
final class JsonTemplates {
  static final int MAX_DEPTH = 64;
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH + 8).maxStringLength(4_000_000).build())
      .build();

  private JsonTemplates() {}

  /** Thrown when the document nests deeper than {@link #MAX_DEPTH}. */
  private static final class TooDeep extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;

    TooDeep(int line, int column) {
      super(null, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  /** A {@code *.pkrvars.json} file: one object from variable names to values. */
  static Result readVariableFile(SourceFile file) {
    Object root = parse(file, true);
    if (root instanceof Result r) {
      return r;
    }
    List<PackerTemplate.Variable> variables = new ArrayList<>();
    ((Value.Mapping) root).fields().forEach((name, v) -> variables.add(
        new PackerTemplate.Variable(name, v, false, v.line(), v.column())));
    return new Parsed(new PackerTemplate(PackerTemplate.Format.VARIABLE_FILE, variables,
        List.of(), List.of(), List.of()));
  }

  static Result read(SourceFile file, boolean packerName) {
    Object root = parse(file, packerName);
    if (root instanceof Result r) {
      return r;
    }
    Value.Mapping top = (Value.Mapping) root;
    if (isLegacy(top)) {
      return new Parsed(legacy(top));
    }
    if (packerName) {
      return new Parsed(hclJson(top));
    }
    return new NotPacker();
  }

  /** The top-level object of a JSON file, or the {@link Result} that says why there is none. */
  private static Object parse(SourceFile file, boolean packerName) {
    Value root;
    try (JsonParser p = FACTORY.createParser(file.text())) {
      if (p.nextToken() == null) {
        return packerName ? new Failed(1, 1, "empty file: expected a JSON object")
            : new NotPacker();
      }
      root = value(p, 0);
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        return new Failed(line(at), column(at),
            "expected the end of the file after the top-level JSON value");
      }
    } catch (TooDeep e) {
      return new Failed(e.line, e.column, "JSON nested deeper than " + MAX_DEPTH + " levels");
    } catch (StreamReadException e) {
      JsonLocation at = e.getLocation();
      return new Failed(at == null ? 1 : line(at), at == null ? 1 : column(at), describe(e));
    } catch (IOException e) {
      return new Failed(1, 1, "could not read the JSON text");
    }
    if (!(root instanceof Value.Mapping)) {
      return packerName ? new Failed(root.line(), root.column(),
          "expected a JSON object at the top level of a Packer file") : new NotPacker();
    }
    return root;
  }

  /** Jackson's own messages may quote a bad token, which could be a secret: never pass them on. */
  private static String describe(StreamReadException e) {
    String m = String.valueOf(e.getOriginalMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("end-of-input")) {
      return "unexpected end of file: expected a closing brace, bracket or quote";
    }
    if (m.contains("nesting depth")) {
      return "JSON nested deeper than " + MAX_DEPTH + " levels";
    }
    if (m.contains("control character")) {
      return "invalid JSON: unescaped control character in a string";
    }
    return "invalid JSON: expected a quoted key, a value, a comma or a closing bracket";
  }

  private static int line(JsonLocation at) {
    return Math.max(1, at.getLineNr());
  }

  private static int column(JsonLocation at) {
    return Math.max(1, at.getColumnNr());
  }

  private static Value value(JsonParser p, int depth) throws IOException, TooDeep {
    JsonLocation at = p.currentTokenLocation();
    int line = line(at);
    int col = column(at);
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      if (depth >= MAX_DEPTH) {
        throw new TooDeep(line, col);
      }
    }
    if (t == JsonToken.START_OBJECT) {
      Map<String, Value> fields = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        fields.put(key, value(p, depth + 1));
      }
      return new Value.Mapping(fields, line, col);
    }
    if (t == JsonToken.START_ARRAY) {
      List<Value> items = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() == null) {
          throw new JsonParseException(p, "Unexpected end-of-input in array");
        }
        items.add(value(p, depth + 1));
      }
      return new Value.Sequence(items, line, col);
    }
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      return new Value.Scalar(text, !interpolates(text), line, col);
    }
    if (t == JsonToken.VALUE_NULL) {
      return new Value.Scalar("null", false, line, col);
    }
    if (t == null) {
      throw new JsonParseException(p, "Unexpected end-of-input");
    }
    return new Value.Scalar(p.getText(), true, line, col);
  }

  /** Legacy {@code {{user `x`}}} templates and HCL2's {@code ${...}} interpolations. */
  static boolean interpolates(String text) {
    return text.contains("{{") || text.contains("${") || text.contains("%{");
  }

  private static boolean isLegacy(Value.Mapping top) {
    if (top.get("builders") instanceof Value.Sequence) {
      return true;
    }
    if (top.get("provisioners") instanceof Value.Sequence seq && !seq.items().isEmpty()) {
      return seq.items().stream().allMatch(
          i -> i instanceof Value.Mapping m && Value.literal(m.get("type")) != null);
    }
    return false;
  }

  // ---- legacy templates ----

  private static PackerTemplate legacy(Value.Mapping top) {
    Set<String> sensitive = new HashSet<>();
    for (Value.Scalar s : Value.scalars(top.get("sensitive-variables"))) {
      sensitive.add(s.text());
    }
    List<PackerTemplate.Variable> variables = new ArrayList<>();
    if (top.get("variables") instanceof Value.Mapping vars) {
      vars.fields().forEach((name, v) -> variables.add(new PackerTemplate.Variable(name,
          isNull(v) ? null : v, sensitive.contains(name), v.line(), v.column())));
    }
    List<PackerTemplate.Source> sources = new ArrayList<>();
    for (Value.Mapping b : mappings(top.get("builders"))) {
      String type = text(b.get("type"));
      String name = b.get("name") == null ? type : text(b.get("name"));
      sources.add(new PackerTemplate.Source(type, name, b.fields(), b.line(), b.column()));
    }
    List<PackerTemplate.Provisioner> provisioners = new ArrayList<>();
    for (Value.Mapping m : mappings(top.get("provisioners"))) {
      provisioners.add(new PackerTemplate.Provisioner(text(m.get("type")), m.fields(), m.line(),
          m.column()));
    }
    List<PackerTemplate.PostProcessor> post = new ArrayList<>();
    legacyPost(top.get("post-processors"), post, 0);
    return new PackerTemplate(PackerTemplate.Format.LEGACY_JSON, variables, sources, List.of(),
        List.of(new PackerTemplate.Build("", provisioners, post, top.line(), top.column())));
  }

  /** Post-processors are a type name, an object, or a list of those (a chain). */
  private static void legacyPost(Value v, List<PackerTemplate.PostProcessor> out, int depth) {
    if (v instanceof Value.Scalar s && depth > 0) {
      out.add(new PackerTemplate.PostProcessor(s.text(), Map.of(), s.line(), s.column()));
    } else if (v instanceof Value.Mapping m && depth > 0) {
      out.add(new PackerTemplate.PostProcessor(text(m.get("type")), m.fields(), m.line(),
          m.column()));
    } else if (v instanceof Value.Sequence seq && depth < 2) {
      for (Value i : seq.items()) {
        legacyPost(i, out, depth + 1);
      }
    }
  }

  // ---- HCL2 in JSON form ----

  private static PackerTemplate hclJson(Value.Mapping top) {
    List<PackerTemplate.Variable> variables = new ArrayList<>();
    for (Value.Mapping vars : mappings(top.get("variable"))) {
      vars.fields().forEach((name, v) -> {
        Value.Mapping body = v instanceof Value.Mapping m ? m : null;
        Value def = body == null ? null : body.get("default");
        boolean sensitive = body != null && "true".equals(Value.literal(body.get("sensitive")));
        variables.add(new PackerTemplate.Variable(name, isNull(def) ? null : def, sensitive,
            v.line(), v.column()));
      });
    }
    List<PackerTemplate.Source> sources = labelled(top.get("source"));
    List<PackerTemplate.Source> data = labelled(top.get("data"));
    List<PackerTemplate.Build> builds = new ArrayList<>();
    for (Value.Mapping b : mappings(top.get("build"))) {
      List<PackerTemplate.Provisioner> provisioners = new ArrayList<>();
      typed(b.get("provisioner"), (type, attrs) -> provisioners.add(
          new PackerTemplate.Provisioner(type, attrs.fields(), attrs.line(), attrs.column())));
      List<PackerTemplate.PostProcessor> post = new ArrayList<>();
      typed(b.get("post-processor"), (type, attrs) -> post.add(
          new PackerTemplate.PostProcessor(type, attrs.fields(), attrs.line(), attrs.column())));
      for (Value.Mapping chain : mappings(b.get("post-processors"))) {
        typed(chain.get("post-processor"), (type, attrs) -> post.add(
            new PackerTemplate.PostProcessor(type, attrs.fields(), attrs.line(),
                attrs.column())));
      }
      builds.add(new PackerTemplate.Build(text(b.get("name")), provisioners, post, b.line(),
          b.column()));
    }
    return new PackerTemplate(PackerTemplate.Format.HCL_JSON, variables, sources, data,
        builds);
  }

  /** Blocks with two labels in HCL's JSON form: {@code {"type": {"name": {...}}}}. */
  private static List<PackerTemplate.Source> labelled(Value v) {
    List<PackerTemplate.Source> out = new ArrayList<>();
    for (Value.Mapping byType : mappings(v)) {
      byType.fields().forEach((type, named) -> {
        for (Value.Mapping byName : mappings(named)) {
          byName.fields().forEach((name, body) -> {
            for (Value.Mapping attrs : mappings(body)) {
              out.add(new PackerTemplate.Source(type, name, attrs.fields(), attrs.line(),
                  attrs.column()));
            }
          });
        }
      });
    }
    return out;
  }

  /** Blocks with one label in HCL's JSON form: {@code [{"shell": {...}}]} or {@code {...}}. */
  private static void typed(Value v,
      java.util.function.BiConsumer<String, Value.Mapping> out) {
    for (Value.Mapping byType : mappings(v)) {
      byType.fields().forEach((type, body) -> {
        for (Value.Mapping attrs : mappings(body)) {
          out.accept(type, attrs);
        }
      });
    }
  }

  /** A mapping, or the mappings of a list. */
  private static List<Value.Mapping> mappings(Value v) {
    if (v instanceof Value.Mapping m) {
      return List.of(m);
    }
    List<Value.Mapping> out = new ArrayList<>();
    if (v instanceof Value.Sequence seq) {
      for (Value i : seq.items()) {
        if (i instanceof Value.Mapping m) {
          out.add(m);
        }
      }
    }
    return out;
  }

  private static String text(Value v) {
    return v instanceof Value.Scalar s ? s.text() : "";
  }

  private static boolean isNull(Value v) {
    return v == null || v instanceof Value.Scalar s && !s.literal() && s.text().equals("null");
  }
}
