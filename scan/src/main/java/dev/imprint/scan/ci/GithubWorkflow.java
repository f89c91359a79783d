package dev.imprint.scan.ci;

import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.List;
import java.util.Set;

/**
 * A GitHub Actions workflow or composite action.
 *
 * @param triggers event names under {@code on:} (empty for a composite action)
 * @param permissions the top-level {@code permissions:} node, or {@code null}
 * @param env the workflow environment (empty when none)
 * @param jobs the jobs in document order; a composite action has one job, {@code composite}
 * @param composite whether this is an {@code action.yml} composite action
 * @param root the whole document
 */
public record GithubWorkflow(Set<String> triggers, YamlNode permissions, YamlMap env,
    List<GithubJob> jobs, boolean composite, YamlMap root) {
  public GithubWorkflow {
    triggers = Set.copyOf(triggers);
    jobs = List.copyOf(jobs);
  }
}
