package dev.imprint.scan.yaml;

import java.util.Iterator;
import java.util.List;

/**
 * A YAML sequence.
 *
 * @param templated whether a template directive inserts items the scanner cannot see (a Helm
 *     {@code include} or {@code toYaml} line neutralised by {@link GoTemplates})
 */
public record YamlList(List<YamlNode> items, int line, int column, boolean templated)
    implements YamlNode, Iterable<YamlNode> {

  public YamlList {
    items = List.copyOf(items);
  }

  public YamlList(List<YamlNode> items, int line, int column) {
    this(items, line, column, false);
  }

  static YamlList empty(int line, int column) {
    return new YamlList(List.of(), line, column);
  }

  public int size() {
    return items.size();
  }

  public YamlNode get(int index) {
    return items.get(index);
  }

  @Override
  public Iterator<YamlNode> iterator() {
    return items.iterator();
  }
}
