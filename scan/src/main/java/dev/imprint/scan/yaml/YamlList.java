package dev.imprint.scan.yaml;

import java.util.Iterator;
import java.util.List;

/** A YAML sequence. */
public record YamlList(List<YamlNode> items, int line, int column)
    implements YamlNode, Iterable<YamlNode> {

  public YamlList {
    items = List.copyOf(items);
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
