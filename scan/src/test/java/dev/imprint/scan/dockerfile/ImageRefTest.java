package dev.imprint.scan.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageRefTest {

  @Test
  void dockerHubNamesGetRegistryAndLibraryNamespace() {
    assertThat(ImageRef.parse("ubuntu:latest"))
        .isEqualTo(new ImageRef("docker.io", "library/ubuntu", "latest", null));
    assertThat(ImageRef.parse("bitnami/redis").registry()).isEqualTo("docker.io");
    assertThat(ImageRef.parse("index.docker.io/library/nginx:1").registry())
        .isEqualTo("docker.io");
  }

  @Test
  void registryWithPortTagAndDigestAreSplit() {
    ImageRef r = ImageRef.parse("localhost:5000/team/app:1.2@sha256:abcd");
    assertThat(r).isEqualTo(new ImageRef("localhost:5000", "team/app", "1.2", "sha256:abcd"));
  }

  @Test
  void trustedEntriesMatchHostsOrPathPrefixes() {
    assertThat(ImageRef.parse("ghcr.io/acme/app:1").trustedBy(List.of("ghcr.io/acme"))).isTrue();
    assertThat(ImageRef.parse("ghcr.io/acmeevil/app:1").trustedBy(List.of("ghcr.io/acme")))
        .isFalse();
    assertThat(ImageRef.parse("alpine:3").trustedBy(List.of("docker.io"))).isTrue();
  }
}
