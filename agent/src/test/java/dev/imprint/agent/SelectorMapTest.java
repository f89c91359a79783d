package dev.imprint.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's selector map: matching, and the errors of a malformed map. */
class SelectorMapTest {
  static final String DIGEST = "sha256:" + "ab".repeat(32);
  @TempDir Path dir;

  SelectorMap read(String yaml) throws IOException {
    Path f = dir.resolve("selectors.yaml");
    Files.writeString(f, yaml);
    return SelectorMap.read(f);
  }

  @Test
  void everySelectorOfAnEntryMustMatchAndTheFirstMatchWins() throws IOException {
    SelectorMap m = read("""
        selectors:
          - uid: 1000
            path: /usr/local/bin/api
            spiffe_id: spiffe://td/api
            image: %1$s
          - uid: 1000
            spiffe_id: spiffe://td/other
            image: %1$s
        """.formatted(DIGEST));
    PeerProcess api = new PeerProcess(5, 1000, 1000, Optional.of("/usr/local/bin/api"));
    PeerProcess other = new PeerProcess(6, 1000, 1000, Optional.of("/usr/bin/python3"));
    PeerProcess nobody = new PeerProcess(7, 65534, 65534, Optional.of("/usr/local/bin/api"));
    assertThat(m.match(api)).get().extracting(SelectorMap.Entry::spiffeId)
        .isEqualTo("spiffe://td/api");
    assertThat(m.match(other)).get().extracting(SelectorMap.Entry::spiffeId)
        .isEqualTo("spiffe://td/other");
    assertThat(m.match(nobody)).isEmpty();
    assertThat(m.match(new PeerProcess(8, 1000, 1000, Optional.empty()))).get()
        .extracting(SelectorMap.Entry::spiffeId).as("an unreadable exe matches no path")
        .isEqualTo("spiffe://td/other");
  }

  @Test
  void anEntryWithoutSelectorsIsRefused() {
    assertThatThrownBy(() -> read("selectors:\n  - spiffe_id: spiffe://td/a\n    image: "
        + DIGEST + "\n")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 1").hasMessageContaining("every process");
  }

  @Test
  void malformedEntriesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> read("selectors:\n  - uid: 1\n    spiffe_id: td/a\n    image: "
        + DIGEST + "\n")).hasMessageContaining("spiffe_id");
    assertThatThrownBy(() -> read("selectors:\n  - uid: 1\n    spiffe_id: spiffe://td/a\n"
        + "    image: latest\n")).hasMessageContaining("image");
    assertThatThrownBy(() -> read("selectors:\n  - uid: 1\n    path: bin/a\n    spiffe_id:"
        + " spiffe://td/a\n    image: " + DIGEST + "\n")).hasMessageContaining("absolute");
    assertThatThrownBy(() -> read("selectors:\n  - uid: 1\n    user: root\n    spiffe_id:"
        + " spiffe://td/a\n    image: " + DIGEST + "\n")).hasMessageContaining("user");
    assertThatThrownBy(() -> read("other: 1\n")).isInstanceOf(IllegalArgumentException.class);
  }
}
