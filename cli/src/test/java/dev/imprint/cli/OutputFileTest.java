package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files the CLI writes replace their target whole, forced to the disk before and after. */
class OutputFileTest {
  @TempDir Path dir;

  @Test
  void aReplacementIsForcedBeforeItsRenameAndTheDirectoryAfterIt() throws IOException {
    Path target = dir.resolve("pod.yaml");
    Files.writeString(target, "image: app:1\n");
    long files = OutputFile.filesForced();
    long directories = OutputFile.directoriesForced();

    OutputFile.replace(target, "image: app@sha256:ab\n",
        PosixFilePermissions.fromString("rw-r-----"));

    assertThat(Files.readString(target)).isEqualTo("image: app@sha256:ab\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-r-----");
    assertThat(OutputFile.filesForced() - files).isEqualTo(1);
    assertThat(OutputFile.directoriesForced() - directories).isEqualTo(1);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("no temporary file left").containsExactly(target);
    }
  }

  @Test
  void aTextThatIsNotUnicodeLeavesTheTargetAsItWas() throws IOException {
    Path target = dir.resolve("svid.pem");
    Files.writeString(target, "old");
    assertThatThrownBy(() -> OutputFile.replace(target, "half a pair \ud800", null))
        .isInstanceOf(IOException.class);
    assertThat(Files.readString(target)).isEqualTo("old");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactly(target);
    }
  }
}
