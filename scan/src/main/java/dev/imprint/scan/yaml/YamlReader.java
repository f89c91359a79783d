package dev.imprint.scan.yaml;

import dev.imprint.scan.SourceFile;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML (every document of a multi-document stream) into {@link YamlNode} trees with line
 * and column, bounded against hostile input: alias expansion, nesting depth and node count are
 * limited, and a problem is reported as a {@link YamlProblem} with a location.
 */
public final class YamlReader {
  /** Most nodes one file may expand to, aliases included. */
  static final int MAX_NODES = 1_000_000;
  static final int MAX_DEPTH = 100;
  static final int MAX_ALIASES = 100;

  private YamlReader() {}

  /** What reading a file gave: the documents read before any error, and that error. */
  public record Result(List<YamlNode> documents, YamlProblem problem) {
    public Result {
      documents = List.copyOf(documents);
    }

    public boolean ok() {
      return problem == null;
    }
  }

  /** A parse problem at a 1-based line and column; the message never quotes the input. */
  public record YamlProblem(int line, int column, String message) {}

  public static Result read(SourceFile file) {
    return read(file.text());
  }

  public static Result read(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setAllowDuplicateKeys(true);
    options.setCodePointLimit(Math.max(text.length() + 1, 3 * 1024 * 1024));
    options.setProcessComments(false);
    List<YamlNode> docs = new ArrayList<>();
    org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(options);
    Converter converter = new Converter();
    try {
      for (Node node : yaml.composeAll(new StringReader(text))) {
        if (node != null) {
          docs.add(converter.convert(node, 0));
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : "invalid YAML";
      return new Result(docs, new YamlProblem(
          mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
          sanitize(what)));
    } catch (YAMLException | TooLarge e) {
      return new Result(docs, new YamlProblem(1, 1, sanitize(String.valueOf(e.getMessage()))));
    }
    return new Result(docs, null);
  }

  /** Keeps a parser message to its first line and without quoted input. */
  private static String sanitize(String message) {
    String first = message.lines().findFirst().orElse("invalid YAML");
    return first.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
  }

  /** A document past the reader's bounds: malformed input, caught by type. */
  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Converter {
    private int nodes;

    YamlNode convert(Node node, int depth) {
      if (++nodes > MAX_NODES) {
        throw new TooLarge(
            "YAML expands to more than " + MAX_NODES + " nodes (alias bomb?)");
      }
      if (depth > MAX_DEPTH) {
        throw new TooLarge("YAML nested deeper than " + MAX_DEPTH + " levels");
      }
      int line = node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
      int col = node.getStartMark() == null ? 1 : node.getStartMark().getColumn() + 1;
      if (node instanceof ScalarNode s) {
        boolean quoted = s.getScalarStyle() != null
            && s.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN;
        String tag = s.getTag() != null && !s.getTag().getValue().startsWith(Tag.PREFIX)
            ? s.getTag().getValue() : null;
        String value = s.getValue();
        if (!quoted && Tag.NULL.equals(s.getTag())) {
          value = null;
        }
        return new YamlScalar(value, quoted, tag, line, col);
      }
      if (node instanceof SequenceNode seq) {
        List<YamlNode> items = new ArrayList<>(seq.getValue().size());
        for (Node child : seq.getValue()) {
          items.add(convert(child, depth + 1));
        }
        return new YamlList(items, line, col);
      }
      MappingNode map = (MappingNode) node;
      Map<String, YamlNode> entries = new LinkedHashMap<>();
      Map<String, int[]> keys = new HashMap<>();
      for (NodeTuple t : map.getValue()) {
        Node k = t.getKeyNode();
        if (Tag.MERGE.equals(k.getTag()) && t.getValueNode() instanceof MappingNode merged) {
          YamlMap m = (YamlMap) convert(merged, depth + 1);
          for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
            entries.putIfAbsent(e.getKey(), e.getValue());
            keys.putIfAbsent(e.getKey(), new int[] {m.keyLine(e.getKey()),
                m.keyColumn(e.getKey())});
          }
          continue;
        }
        String key = k instanceof ScalarNode ks ? ks.getValue() : "<complex key>";
        int kl = k.getStartMark() == null ? line : k.getStartMark().getLine() + 1;
        int kc = k.getStartMark() == null ? col : k.getStartMark().getColumn() + 1;
        entries.put(key, convert(t.getValueNode(), depth + 1));
        keys.put(key, new int[] {kl, kc});
      }
      return new YamlMap(entries, keys, line, col);
    }
  }
}
