package dev.imprint.scan.yaml;

/**
 * A node of a parsed YAML document with the 1-based line and column where it starts. Aliases
 * are expanded (within a bound); tags are kept only as {@link YamlScalar#tag()}.
 */
public sealed interface YamlNode permits YamlMap, YamlList, YamlScalar {
  int line();

  int column();

  /** This node as a map, or an empty map at the same place when it is not one. */
  default YamlMap asMap() {
    return this instanceof YamlMap m ? m : YamlMap.empty(line(), column());
  }

  /** This node as a list, or an empty list at the same place when it is not one. */
  default YamlList asList() {
    return this instanceof YamlList l ? l : YamlList.empty(line(), column());
  }

  /** The scalar text, or {@code null} for maps, lists and YAML null. */
  default String text() {
    return this instanceof YamlScalar s ? s.value() : null;
  }
}
