package dev.imprint.scan.netpol;

import java.util.List;
import java.util.Map;

/**
 * A workload peer: the pods one manifest runs (a Deployment, a DaemonSet, ..., a bare Pod, or
 * the controller a Pod names as its owner), with their namespace, pod labels and the container
 * ports named ports resolve against.
 */
public record Workload(String namespace, String name, String kind, Map<String, String> labels,
    List<ContainerPort> ports) {
  public Workload {
    labels = Map.copyOf(labels);
    ports = List.copyOf(ports);
  }

  /** A container port: {@code name} may be {@code null}. */
  public record ContainerPort(String name, int port, Protocol protocol) {}

  /** The port number a named port resolves to for {@code protocol}, or -1. */
  int resolve(String portName, Protocol protocol) {
    for (ContainerPort p : ports) {
      if (portName.equals(p.name()) && p.protocol() == protocol) {
        return p.port();
      }
    }
    return -1;
  }

  /** The peer's name as np-guard writes it: {@code ns/name[Kind]}. */
  @Override
  public String toString() {
    return namespace + "/" + name + "[" + kind + "]";
  }
}
