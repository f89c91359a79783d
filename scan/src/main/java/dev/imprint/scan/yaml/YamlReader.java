package dev.imprint.scan.yaml;

import dev.imprint.scan.SourceFile;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
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
  /**
   * The key (or sequence item) {@link GoTemplates} writes where a template directive inserts
   * content; the reader drops it and marks the map or list as {@code templated}.
   */
  static final String TEMPLATE_INSERT = "__imprint_template_insert__";
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

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

  /**
   * Reads a file: a {@code .json} file as JSON (which, unlike YAML, allows tabs anywhere between
   * tokens), anything else as YAML.
   */
  public static Result read(SourceFile file) {
    return file.lowerName().endsWith(".json") ? readJson(file.text()) : read(file.text());
  }

  /** Reads one JSON value into the same tree, with the line and column of every node. */
  public static Result readJson(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() == null) {
        return new Result(List.of(), null);
      }
      YamlNode root = new JsonConverter(p).value(0);
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        return new Result(List.of(root), new YamlProblem(Math.max(1, at.getLineNr()),
            Math.max(1, at.getColumnNr()), "unexpected content after the JSON value"));
      }
      return new Result(List.of(root), null);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return new Result(List.of(), new YamlProblem(at == null ? 1 : Math.max(1, at.getLineNr()),
          at == null ? 1 : Math.max(1, at.getColumnNr()),
          "invalid JSON: " + sanitize(e.getOriginalMessage())));
    } catch (IllegalStateException e) {
      return new Result(List.of(), new YamlProblem(1, 1, sanitize(String.valueOf(e.getMessage()))));
    } catch (IOException e) {
      throw new UncheckedIOException("reading JSON from a string", e);
    }
  }

  public static Result read(String text) {
    return read(text, null);
  }

  /**
   * Reads a template neutralised by {@link GoTemplates#neutralize}: values the reader sees as
   * same-length {@code ${...}} references keep the text the file writes
   * ({@code {{ .Chart.Name }}}), so that findings name things as the user wrote them.
   */
  public static Result readTemplate(String neutralized, String original) {
    return read(neutralized, original.split("\n", -1));
  }

  /**
   * Reads a Go or Jinja template ({@link GoTemplates}) without rendering it: with the lines
   * that insert content marked where that parses, else with them dropped; the problem of the
   * first attempt when neither parses.
   */
  public static Result readTemplate(String template) {
    Result marked = readTemplate(GoTemplates.neutralize(template, true), template);
    if (marked.ok()) {
      return marked;
    }
    Result plain = readTemplate(GoTemplates.neutralize(template, false), template);
    return plain.ok() ? plain : marked;
  }

  private static Result read(String text, String[] shown) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setAllowDuplicateKeys(true);
    options.setCodePointLimit(Math.max(text.length() + 1, 3 * 1024 * 1024));
    options.setProcessComments(false);
    List<YamlNode> docs = new ArrayList<>();
    org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(options);
    Converter converter = new Converter(shown);
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
    private final String[] shown;
    private int nodes;

    Converter(String[] shown) {
      this.shown = shown;
    }

    /** The text a neutralised template value stands for, or the value itself. */
    private String shownValue(String value, boolean quoted, int line, int col) {
      if (shown == null || value == null || !value.contains("${") || line > shown.length) {
        return value;
      }
      String l = shown[line - 1];
      int from = col - 1 + (quoted ? 1 : 0);
      int to = from + value.length();
      if (from < 0 || to > l.length()) {
        return value;
      }
      String written = l.substring(from, to);
      return written.contains("{{") ? written : value;
    }

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
        return new YamlScalar(shownValue(value, quoted, line, col), quoted, tag, line, col);
      }
      if (node instanceof SequenceNode seq) {
        List<YamlNode> items = new ArrayList<>(seq.getValue().size());
        boolean templated = false;
        for (Node child : seq.getValue()) {
          if (child instanceof ScalarNode cs && TEMPLATE_INSERT.equals(cs.getValue())) {
            templated = true;
            continue;
          }
          items.add(convert(child, depth + 1));
        }
        return new YamlList(items, line, col, templated);
      }
      MappingNode map = (MappingNode) node;
      Map<String, YamlNode> entries = new LinkedHashMap<>();
      Map<String, int[]> keys = new HashMap<>();
      boolean templated = false;
      for (NodeTuple t : map.getValue()) {
        Node k = t.getKeyNode();
        if (Tag.MERGE.equals(k.getTag()) && t.getValueNode() instanceof MappingNode merged) {
          YamlMap m = (YamlMap) convert(merged, depth + 1);
          templated |= m.templated();
          for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
            entries.putIfAbsent(e.getKey(), e.getValue());
            keys.putIfAbsent(e.getKey(), new int[] {m.keyLine(e.getKey()),
                m.keyColumn(e.getKey())});
          }
          continue;
        }
        String key = k instanceof ScalarNode ks ? ks.getValue() : "<complex key>";
        if (TEMPLATE_INSERT.equals(key)) {
          templated = true;
          continue;
        }
        int kl = k.getStartMark() == null ? line : k.getStartMark().getLine() + 1;
        int kc = k.getStartMark() == null ? col : k.getStartMark().getColumn() + 1;
        entries.put(key, convert(t.getValueNode(), depth + 1));
        keys.put(key, new int[] {kl, kc});
      }
      return new YamlMap(entries, keys, line, col, templated);
    }
  }

  /** Builds the tree from a JSON token stream, with the same bounds as the YAML converter. */
  private static final class JsonConverter {
    private final JsonParser p;
    private int nodes;

    JsonConverter(JsonParser p) {
      this.p = p;
    }

    /** The value starting at the current token; leaves the parser on its last token. */
    YamlNode value(int depth) throws IOException {
      if (++nodes > MAX_NODES) {
        throw new IllegalStateException("JSON holds more than " + MAX_NODES + " values");
      }
      JsonLocation at = p.currentTokenLocation();
      int line = Math.max(1, at.getLineNr());
      int col = Math.max(1, at.getColumnNr());
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT) {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, int[]> keys = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          JsonLocation kl = p.currentTokenLocation();
          String key = p.currentName();
          p.nextToken();
          entries.put(key, value(depth + 1));
          keys.put(key, new int[] {Math.max(1, kl.getLineNr()), Math.max(1, kl.getColumnNr())});
        }
        return new YamlMap(entries, keys, line, col, false);
      }
      if (t == JsonToken.START_ARRAY) {
        List<YamlNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(value(depth + 1));
        }
        return new YamlList(items, line, col);
      }
      return switch (t) {
        case VALUE_STRING -> new YamlScalar(p.getText(), true, null, line, col);
        case VALUE_NULL -> new YamlScalar(null, false, null, line, col);
        default -> new YamlScalar(p.getText(), false, null, line, col);
      };
    }
  }
}
