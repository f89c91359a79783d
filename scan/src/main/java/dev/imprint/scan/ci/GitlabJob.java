package dev.imprint.scan.ci;

import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.List;

/**
 * One GitLab CI job, or the pipeline defaults under the name {@code default}.
 *
 * @param name the job name (hidden template jobs keep their leading dot)
 * @param line 1-based line of the job's key
 * @param column 1-based column of the job's key
 * @param image the {@code image:} node (a string or a map with {@code name}), or {@code null}
 * @param services the {@code services:} entries
 * @param variables the job's {@code variables:} (empty when none)
 * @param scripts every line of before_script, script and after_script, as scalar nodes
 * @param idTokens whether the job (or the defaults) requests OIDC {@code id_tokens:}
 * @param node the whole job
 */
public record GitlabJob(String name, int line, int column, YamlNode image,
    List<YamlNode> services, YamlMap variables, List<YamlNode> scripts, boolean idTokens,
    YamlMap node) {
  public GitlabJob {
    services = List.copyOf(services);
    scripts = List.copyOf(scripts);
  }
}
