package dev.imprint.scan.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A YAML mapping with string keys (non-string keys are kept by their text), in document order.
 * Lookups that miss return {@code null}; the typed helpers make rule code short.
 */
public final class YamlMap implements YamlNode {
  private final Map<String, YamlNode> entries;
  private final Map<String, int[]> keyPositions;
  private final int line;
  private final int column;
  private final boolean templated;

  YamlMap(Map<String, YamlNode> entries, Map<String, int[]> keyPositions, int line, int column,
      boolean templated) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    this.keyPositions = keyPositions;
    this.line = line;
    this.column = column;
    this.templated = templated;
  }

  static YamlMap empty(int line, int column) {
    return new YamlMap(Map.of(), Map.of(), line, column, false);
  }

  /**
   * Whether a template directive inserts keys here that the scanner cannot see (a Helm
   * {@code toYaml .Values.x} or {@code include} line): a key that is absent may still be set.
   */
  public boolean templated() {
    return templated;
  }

  /**
   * Whether a key is certainly absent: not written and not possibly inserted by a template.
   * Rules about a missing attribute ask this, so that they stay quiet on what they cannot see.
   */
  public boolean lacks(String key) {
    return !entries.containsKey(key) && !templated;
  }

  /** The line of the value under a key (a scalar's own line), or the key's line. */
  public int valueLine(String key) {
    YamlNode n = entries.get(key);
    return n instanceof YamlScalar s ? s.line() : keyLine(key);
  }

  @Override
  public int line() {
    return line;
  }

  @Override
  public int column() {
    return column;
  }

  public Map<String, YamlNode> entries() {
    return entries;
  }

  public Set<String> keys() {
    return entries.keySet();
  }

  public boolean has(String key) {
    return entries.containsKey(key);
  }

  public YamlNode get(String key) {
    return entries.get(key);
  }

  /** The line of a key (where a rule about the key should point), or this map's line. */
  public int keyLine(String key) {
    int[] pos = keyPositions.get(key);
    return pos == null ? line : pos[0];
  }

  /** The column of a key, or this map's column. */
  public int keyColumn(String key) {
    int[] pos = keyPositions.get(key);
    return pos == null ? column : pos[1];
  }

  /** The scalar text under a key, or {@code null}. */
  public String str(String key) {
    YamlNode n = entries.get(key);
    return n == null ? null : n.text();
  }

  /** The map under a key, or an empty map. */
  public YamlMap map(String key) {
    YamlNode n = entries.get(key);
    return n == null ? empty(line, column) : n.asMap();
  }

  /** The list under a key, or an empty list. */
  public YamlList list(String key) {
    YamlNode n = entries.get(key);
    return n == null ? YamlList.empty(line, column) : n.asList();
  }

  /** Follows a path of keys through nested maps; {@code null} when any step is missing. */
  public YamlNode at(String... path) {
    YamlNode n = this;
    for (String key : path) {
      if (!(n instanceof YamlMap m)) {
        return null;
      }
      n = m.get(key);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /** True when the value under a key is a plain boolean true. */
  public boolean isTrue(String key) {
    return entries.get(key) instanceof YamlScalar s && s.isTrue();
  }

  /** True when the value under a key is a plain boolean false. */
  public boolean isFalse(String key) {
    return entries.get(key) instanceof YamlScalar s && s.isFalse();
  }

  /**
   * True when the value under a key comes from a template or variable ({@code ${x}},
   * {@code {{ .Values.x }}}), or when the key is absent from a {@link #templated()} map: the
   * value is decided when the file is rendered, so rules cannot judge it.
   */
  public boolean unknown(String key) {
    YamlNode n = entries.get(key);
    if (n == null) {
      return templated;
    }
    return n instanceof YamlScalar s && s.templated();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public String toString() {
    return "YamlMap" + entries.keySet() + "@" + line;
  }
}
