package dev.imprint.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the container a process runs in from its cgroup, and the container's image digest from
 * the runtime's own state on the node: docker's {@code containers/<id>/config.v2.json}
 * ({@code Config.Image}), and the OCI bundle {@code config.json} that containerd (its runtime v2
 * task directories, every namespace) and CRI-O ({@code overlay-containers/<id>/userdata}) write,
 * whose Kubernetes annotations name the image. Only a reference pinned by digest
 * ({@code ...@sha256:<64 hex>}) counts: a tag names no fixed image.
 */
final class ContainerRuntimes {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The last path segment of a container's cgroup in the shapes runtimes use: docker
   * ({@code /docker/<id>}, {@code docker-<id>.scope}), containerd ({@code cri-containerd-<id>
   * .scope}, {@code /kubepods/.../<id>}), CRI-O ({@code crio-<id>.scope}), podman
   * ({@code libpod-<id>.scope}).
   */
  private static final Pattern CONTAINER = Pattern.compile(
      "(?:^|/)(?:docker-|cri-containerd-|crio-|libpod-)?([0-9a-f]{64})(?:\\.scope)?$");
  private static final Pattern PINNED = Pattern.compile("@(sha256:[0-9a-f]{64})$");
  /** OCI annotations that name a container's image (containerd CRI, CRI-O). */
  private static final List<String> ANNOTATIONS = List.of("io.kubernetes.cri.image-name",
      "io.kubernetes.cri-o.ImageName", "io.kubernetes.cri-o.ImageRef",
      "org.opencontainers.image.ref.name");

  /** A container found for a process, and its image digest when a runtime makes it visible. */
  record Container(String id, Optional<String> imageDigest, String runtime) {}

  private final Path procRoot;
  private final RuntimeRoots roots;

  ContainerRuntimes(Path procRoot, RuntimeRoots roots) {
    this.procRoot = procRoot;
    this.roots = roots;
  }

  /** The container of process {@code pid}, if its cgroup names one. */
  Optional<Container> of(int pid) {
    Optional<String> id = containerId(pid);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    String c = id.get();
    Optional<String> d = docker(c);
    if (d.isPresent()) {
      return Optional.of(new Container(c, d, "docker"));
    }
    d = containerd(c);
    if (d.isPresent()) {
      return Optional.of(new Container(c, d, "containerd"));
    }
    d = ociBundle(roots.crio().resolve("overlay-containers").resolve(c).resolve("userdata")
        .resolve("config.json"));
    return Optional.of(new Container(c, d, d.isPresent() ? "cri-o" : "unknown"));
  }

  /** The container id in {@code /proc/<pid>/cgroup}, if any line names one. */
  Optional<String> containerId(int pid) {
    List<String> lines;
    try {
      lines = Files.readAllLines(procRoot.resolve(Integer.toString(pid)).resolve("cgroup"));
    } catch (IOException e) {
      return Optional.empty();
    }
    for (String line : lines) {
      int colon = line.indexOf(':', line.indexOf(':') + 1);
      if (colon < 0) {
        continue;
      }
      String path = line.substring(colon + 1);
      Matcher m = CONTAINER.matcher(path);
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  private Optional<String> docker(String id) {
    JsonNode config = read(roots.docker().resolve("containers").resolve(id)
        .resolve("config.v2.json"));
    return config == null ? Optional.empty() : pinned(config.path("Config").path("Image")
        .asText(""));
  }

  private Optional<String> containerd(String id) {
    List<Path> namespaces = new ArrayList<>();
    try (var s = Files.list(roots.containerdTasks())) {
      s.forEach(namespaces::add);
    } catch (IOException e) {
      return Optional.empty();
    }
    for (Path ns : namespaces) {
      Optional<String> d = ociBundle(ns.resolve(id).resolve("config.json"));
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> ociBundle(Path configJson) {
    JsonNode config = read(configJson);
    if (config == null) {
      return Optional.empty();
    }
    for (String a : ANNOTATIONS) {
      Optional<String> d = pinned(config.path("annotations").path(a).asText(""));
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> pinned(String reference) {
    Matcher m = PINNED.matcher(reference);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static JsonNode read(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      return null;
    }
  }
}
