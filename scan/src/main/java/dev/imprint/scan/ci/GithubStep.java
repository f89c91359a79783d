package dev.imprint.scan.ci;

import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;

/**
 * One step of a GitHub Actions job or composite action.
 *
 * @param line 1-based line where the step starts
 * @param column 1-based column where the step starts
 * @param uses the {@code uses:} reference, or {@code null}
 * @param run the {@code run:} node (a scalar), or {@code null}
 * @param with the step's inputs (empty when none)
 * @param env the step's environment (empty when none)
 * @param node the whole step
 */
public record GithubStep(int line, int column, String uses, YamlNode run, YamlMap with,
    YamlMap env, YamlMap node) {

  /** The script text of {@code run:}, or {@code null}. */
  public String script() {
    return run == null ? null : run.text();
  }
}
