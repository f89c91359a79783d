package dev.imprint.scan.yaml;

/**
 * A scalar: its text ({@code null} for a plain {@code null}, {@code ~} or empty value), whether
 * it was quoted, and its tag when explicit (e.g. {@code !!str}, {@code !reference}).
 */
public record YamlScalar(String value, boolean quoted, String tag, int line, int column)
    implements YamlNode {

  /** True for a plain boolean true ({@code true}, {@code True}, {@code TRUE}). */
  public boolean isTrue() {
    return !quoted && value != null && value.equalsIgnoreCase("true");
  }

  /**
   * True when the value is filled in by a template or a variable when the file is rendered
   * ({@code ${x}}, {@code {{ .Values.x }}}).
   */
  public boolean templated() {
    return value != null && (value.contains("${") || value.contains("{{"));
  }

  /** True for a plain boolean false. */
  public boolean isFalse() {
    return !quoted && value != null && value.equalsIgnoreCase("false");
  }
}
