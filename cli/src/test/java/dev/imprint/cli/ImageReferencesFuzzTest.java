package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.scan.SourceFile;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes what {@code imprint pin} locates in a file: for any text (first line the file name,
 * the rest its content) every located reference covers exactly its own characters, in order
 * and without overlap, so a rewrite can touch nothing else; never an exception.
 */
class ImageReferencesFuzzTest {
  @FuzzTest(maxDuration = "1m")
  void everyLocatedReferenceIsExactlyItsOwnCharacters(byte[] data) {
    String all = new String(data, 0, Math.min(data.length, 64 * 1024), StandardCharsets.UTF_8);
    int nl = all.indexOf('\n');
    String name = nl < 0 ? all : all.substring(0, nl);
    String text = nl < 0 ? "" : all.substring(nl + 1);
    if (name.isBlank() || name.contains("/") || name.contains("\u0000")) {
      name = "deploy.yaml";
    }
    ImageReferences.Found found = ImageReferences.find(SourceFile.of(name, text));
    if (found == null) {
      return;
    }
    int previousEnd = -1;
    for (ImageReferences.Located r : found.references()) {
      assertThat(r.start()).isGreaterThanOrEqualTo(0).isLessThan(r.end());
      assertThat(r.end()).isLessThanOrEqualTo(text.length());
      assertThat(text.substring(r.start(), r.end())).isEqualTo(r.text());
      assertThat(r.start()).as("in order, no overlap").isGreaterThanOrEqualTo(previousEnd);
      assertThat(r.line()).isPositive();
      assertThat(r.column()).isPositive();
      previousEnd = r.end();
    }
  }
}
