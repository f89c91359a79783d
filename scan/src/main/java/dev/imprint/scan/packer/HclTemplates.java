package dev.imprint.scan.packer;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.packer.PackerReader.Failed;
import dev.imprint.scan.packer.PackerReader.Parsed;
import dev.imprint.scan.packer.PackerReader.Result;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads HCL2 templates with the shared HCL reader and maps its blocks onto the model. */
final class HclTemplates {
  private static final int MAX_DEPTH = 64;
  private final HclPositions positions;

  private HclTemplates(HclPositions positions) {
    this.positions = positions;
  }

  static Result read(SourceFile file) {
    TfReader.Result r = TfReader.parse(file);
    if (!r.ok()) {
      return new Failed(Math.max(1, r.line()), Math.max(1, r.column()), r.message());
    }
    return new Parsed(new HclTemplates(new HclPositions(file.text())).template(r.file()));
  }

  private PackerTemplate template(Tf.File file) {
    List<PackerTemplate.Variable> variables = new ArrayList<>();
    List<PackerTemplate.Source> sources = new ArrayList<>();
    List<PackerTemplate.Source> data = new ArrayList<>();
    List<PackerTemplate.Build> builds = new ArrayList<>();
    for (Tf.Block b : file.blocks()) {
      switch (b.type()) {
        case "variable" -> {
          Tf.Attr def = b.attr("default");
          Value v = def == null || def.value() instanceof Tf.Null ? null : attribute(def, 0);
          variables.add(new PackerTemplate.Variable(b.label(0), v, b.isTrue("sensitive"),
              b.line(), b.column()));
        }
        case "variables" -> b.attrs().values().forEach(a -> variables.add(
            new PackerTemplate.Variable(a.name(), attribute(a, 0), false, a.line(),
                a.column())));
        case "source" -> sources.add(new PackerTemplate.Source(b.label(0), b.label(1),
            attributes(b, 0), b.line(), b.column()));
        case "data" -> data.add(new PackerTemplate.Source(b.label(0), b.label(1),
            attributes(b, 0), b.line(), b.column()));
        case "build" -> builds.add(build(b));
        default -> { }
      }
    }
    return new PackerTemplate(PackerTemplate.Format.HCL, variables, sources, data, builds);
  }

  private PackerTemplate.Build build(Tf.Block b) {
    List<PackerTemplate.Provisioner> provisioners = new ArrayList<>();
    List<PackerTemplate.PostProcessor> post = new ArrayList<>();
    for (Tf.Block inner : b.blocks()) {
      if (inner.type().equals("provisioner")) {
        provisioners.add(new PackerTemplate.Provisioner(inner.label(0), attributes(inner, 0),
            inner.line(), inner.column()));
      } else if (inner.type().equals("post-processor")) {
        post.add(postProcessor(inner));
      } else if (inner.type().equals("post-processors")) {
        for (Tf.Block p : inner.blocks("post-processor")) {
          post.add(postProcessor(p));
        }
      }
    }
    String name = b.literal("name");
    return new PackerTemplate.Build(name == null ? "" : name, provisioners, post, b.line(),
        b.column());
  }

  private PackerTemplate.PostProcessor postProcessor(Tf.Block p) {
    return new PackerTemplate.PostProcessor(p.label(0), attributes(p, 0), p.line(), p.column());
  }

  /** A block's attributes, with nested blocks as mappings (a list of them when repeated). */
  private Map<String, Value> attributes(Tf.Block b, int depth) {
    Map<String, Value> out = new LinkedHashMap<>();
    for (Tf.Attr a : b.attrs().values()) {
      out.put(a.name(), attribute(a, depth));
    }
    if (depth >= MAX_DEPTH) {
      return out;
    }
    Map<String, List<Value>> nested = new LinkedHashMap<>();
    for (Tf.Block inner : b.blocks()) {
      nested.computeIfAbsent(inner.type(), k -> new ArrayList<>()).add(
          new Value.Mapping(attributes(inner, depth + 1), inner.line(), inner.column()));
    }
    nested.forEach((type, blocks) -> out.putIfAbsent(type, blocks.size() == 1 ? blocks.get(0)
        : new Value.Sequence(blocks, blocks.get(0).line(), blocks.get(0).column())));
    return out;
  }

  private Value attribute(Tf.Attr a, int depth) {
    int at = positions.attributeValue(positions.offset(a.line(), a.column()));
    return at < 0 ? value(a.value(), -1, a.line(), a.column(), depth)
        : value(a.value(), at, positions.line(at), positions.column(at), depth);
  }

  /**
   * Maps a value that starts at {@code offset} (or -1 when unknown, in which case every part
   * gets the enclosing line and column).
   */
  private Value value(Tf.Value v, int offset, int line, int col, int depth) {
    if (v instanceof Tf.Tuple t && depth < MAX_DEPTH) {
      List<Integer> at = positions.members(offset);
      boolean located = at.size() == t.items().size();
      List<Value> items = new ArrayList<>();
      for (int i = 0; i < t.items().size(); i++) {
        items.add(member(t.items().get(i), located ? at.get(i) : -1, line, col, depth));
      }
      return new Value.Sequence(items, line, col);
    }
    if (v instanceof Tf.Obj o && depth < MAX_DEPTH) {
      List<Integer> at = positions.members(offset);
      boolean located = at.size() == o.entries().size();
      Map<String, Value> fields = new LinkedHashMap<>();
      int i = 0;
      for (Map.Entry<String, Tf.Value> e : o.entries().entrySet()) {
        fields.put(e.getKey(), member(e.getValue(), located ? at.get(i) : -1, line, col, depth));
        i++;
      }
      return new Value.Mapping(fields, line, col);
    }
    if (v instanceof Tf.Str s) {
      return new Value.Scalar(s.text(), !s.template(), line, col);
    }
    if (v instanceof Tf.Num || v instanceof Tf.Bool) {
      return new Value.Scalar(v.literal(), true, line, col);
    }
    if (v instanceof Tf.Call c) {
      return new Value.Scalar(c.name() + "(...)", false, line, col);
    }
    return new Value.Scalar(Tf.text(v), false, line, col);
  }

  private Value member(Tf.Value v, int offset, int line, int col, int depth) {
    return offset < 0 ? value(v, -1, line, col, depth + 1)
        : value(v, offset, positions.line(offset), positions.column(offset), depth + 1);
  }
}
