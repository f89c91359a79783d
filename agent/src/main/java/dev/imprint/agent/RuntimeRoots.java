package dev.imprint.agent;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where container runtimes keep the state the agent reads to find a container's image.
 *
 * @param docker docker's data root ({@code /var/lib/docker})
 * @param containerdTasks containerd's runtime v2 task root
 *     ({@code /run/containerd/io.containerd.runtime.v2.task})
 * @param crio CRI-O's container storage ({@code /var/lib/containers/storage})
 */
public record RuntimeRoots(Path docker, Path containerdTasks, Path crio) {
  public RuntimeRoots {
    Objects.requireNonNull(docker, "docker");
    Objects.requireNonNull(containerdTasks, "containerdTasks");
    Objects.requireNonNull(crio, "crio");
  }

  /** The default locations on a Linux node. */
  public static RuntimeRoots defaults() {
    return new RuntimeRoots(Path.of("/var/lib/docker"),
        Path.of("/run/containerd/io.containerd.runtime.v2.task"),
        Path.of("/var/lib/containers/storage"));
  }
}
