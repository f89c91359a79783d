package dev.imprint.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cgroup shapes of each runtime, and the image digest from each runtime's state on disk. */
class ContainerRuntimesTest {
  static final String ID = "4f1c2a7e9b3d5c6a8e0f1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6";
  static final String DIGEST = "sha256:" + "ef".repeat(32);
  @TempDir Path dir;

  ContainerRuntimes runtimes() {
    return new ContainerRuntimes(dir.resolve("proc"), new RuntimeRoots(
        dir.resolve("docker"), dir.resolve("containerd"), dir.resolve("crio")));
  }

  void cgroup(int pid, String... lines) throws IOException {
    Path p = Files.createDirectories(dir.resolve("proc").resolve(Integer.toString(pid)));
    Files.write(p.resolve("cgroup"), List.of(lines));
  }

  void file(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void findsTheContainerIdInEveryRuntimesCgroupShape() throws IOException {
    List<String> shapes = List.of(
        "0::/system.slice/docker-" + ID + ".scope",
        "12:pids:/docker/" + ID,
        "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
            + "cri-containerd-" + ID + ".scope",
        "11:memory:/kubepods/burstable/pod0f6a/" + ID,
        "0::/kubepods.slice/kubepods-pod2.slice/crio-" + ID + ".scope",
        "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope");
    int pid = 100;
    for (String shape : shapes) {
      cgroup(pid, "1:name=systemd:/init.scope", shape);
      assertThat(runtimes().containerId(pid)).as(shape).contains(ID);
      pid++;
    }
    assertThat(pid).as("shapes tried").isEqualTo(106);
  }

  @Test
  void aHostProcessOrAnUnreadableCgroupHasNoContainer() throws IOException {
    cgroup(7, "0::/user.slice/user-1000.slice/session-3.scope");
    assertThat(runtimes().containerId(7)).isEmpty();
    assertThat(runtimes().containerId(8)).as("no such process").isEmpty();
    cgroup(9, "0::/docker/" + ID.substring(1));
    assertThat(runtimes().containerId(9)).as("63 hex is not an id").isEmpty();
  }

  @Test
  void dockerGivesTheDigestOfAnImageRunByDigest() throws IOException {
    cgroup(10, "0::/system.slice/docker-" + ID + ".scope");
    file(dir.resolve("docker/containers/" + ID + "/config.v2.json"),
        "{\"Config\":{\"Image\":\"registry.example/pay/api@" + DIGEST + "\"}}");
    Optional<ContainerRuntimes.Container> c = runtimes().of(10);
    assertThat(c).get().satisfies(x -> {
      assertThat(x.imageDigest()).contains(DIGEST);
      assertThat(x.runtime()).isEqualTo("docker");
    });
  }

  @Test
  void aContainerRunByTagHasNoDigest() throws IOException {
    cgroup(11, "0::/docker/" + ID);
    file(dir.resolve("docker/containers/" + ID + "/config.v2.json"),
        "{\"Config\":{\"Image\":\"registry.example/pay/api:latest\"}}");
    assertThat(runtimes().of(11)).get().satisfies(x -> {
      assertThat(x.id()).isEqualTo(ID);
      assertThat(x.imageDigest()).isEmpty();
    });
  }

  @Test
  void containerdAndCrioGiveTheDigestFromTheOciBundleAnnotations() throws IOException {
    cgroup(12, "0::/kubepods.slice/cri-containerd-" + ID + ".scope");
    file(dir.resolve("containerd/k8s.io/" + ID + "/config.json"),
        "{\"annotations\":{\"io.kubernetes.cri.image-name\":\"registry.example/a@" + DIGEST
            + "\"}}");
    assertThat(runtimes().of(12)).get().satisfies(x -> {
      assertThat(x.imageDigest()).contains(DIGEST);
      assertThat(x.runtime()).isEqualTo("containerd");
    });
    Files.delete(dir.resolve("containerd/k8s.io/" + ID + "/config.json"));
    file(dir.resolve("crio/overlay-containers/" + ID + "/userdata/config.json"),
        "{\"annotations\":{\"io.kubernetes.cri-o.ImageName\":\"registry.example/a@" + DIGEST
            + "\"}}");
    assertThat(runtimes().of(12)).get().satisfies(x -> {
      assertThat(x.imageDigest()).contains(DIGEST);
      assertThat(x.runtime()).isEqualTo("cri-o");
    });
  }

  @Test
  void malformedRuntimeStateIsNoDigestNotAFailure() throws IOException {
    cgroup(13, "0::/docker/" + ID);
    file(dir.resolve("docker/containers/" + ID + "/config.v2.json"), "{not json");
    assertThat(runtimes().of(13)).get().satisfies(x -> assertThat(x.imageDigest()).isEmpty());
  }
}
