package dev.imprint.scan.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.FuzzInput;
import dev.imprint.scan.InternalErrors;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the inventory ({@link InventoryBuilder#buildSources}: every analyzer, every extractor,
 * the linker) over a few files at once, so that links across files are exercised. The input is
 * files each starting with a line {@code === NAME}; text before the first such line is one file
 * whose name is its first line. Properties: no extractor or analyzer hits a bug (an internal
 * error), every identity and link is placed in a file of the input at a line inside it, the JSON
 * form is valid JSON, and neither form ever holds a secret the detectors see in the input.
 */
class InventoryFuzzTest {
  private static final int MAX_FILES = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest(maxDuration = "2m")
  void buildNeverFailsAndLocatesEveryIdentity(byte[] data) throws Exception {
    List<SourceFile> files = files(FuzzInput.text(data));
    Map<String, Integer> lines = new HashMap<>();
    files.forEach(f -> lines.merge(f.path(), f.lineCount(), Math::max));
    long bugs = InternalErrors.count();

    Inventory inv = InventoryBuilder.buildSources(files, null);

    assertThat(InternalErrors.count()).as("internal errors (bugs)").isEqualTo(bugs);
    for (Identity i : inv.identities()) {
      assertPlaced(i.location(), lines, i.id());
    }
    for (Link l : inv.links()) {
      assertPlaced(l.fromLocation(), lines, l.from());
      assertPlaced(l.toLocation(), lines, l.to());
    }
    String json = InventoryFormat.json(inv);
    assertThat(JSON.readTree(json).path("identities").size()).isEqualTo(inv.identities().size());
    String text = InventoryFormat.text(inv);
    for (SourceFile f : files) {
      for (SecretHit hit : SecretDetectors.find(f.path(), f.text())) {
        String raw = f.text().substring(hit.start(), hit.end());
        if (raw.length() >= 12) {
          assertThat(json).as("JSON inventory").doesNotContain(raw);
          assertThat(text).as("text inventory").doesNotContain(raw);
        }
      }
    }
  }

  private static void assertPlaced(Place p, Map<String, Integer> lines, String what) {
    if (p == null) {
      return;
    }
    assertThat(lines).as("file of %s", what).containsKey(p.path());
    assertThat(p.line()).as("line of %s in %s", what, p.path())
        .isBetween(0, Math.max(1, lines.get(p.path())));
  }

  /** Splits the input into files at lines {@code === NAME}. */
  static List<SourceFile> files(String input) {
    List<SourceFile> files = new ArrayList<>();
    String name = null;
    StringBuilder content = new StringBuilder();
    boolean first = true;
    for (String line : input.split("\n", -1)) {
      if (line.startsWith("=== ") && files.size() < MAX_FILES - 1) {
        if (name != null || content.length() > 0) {
          files.add(SourceFile.of(name(name), content.toString()));
        }
        name = line.substring(4);
        content.setLength(0);
      } else if (first && !line.startsWith("=== ")) {
        name = line;
      } else {
        content.append(line).append('\n');
      }
      first = false;
    }
    files.add(SourceFile.of(name(name), content.toString()));
    return files;
  }

  private static String name(String raw) {
    String n = raw == null ? "" : raw.strip();
    if (n.length() > 200) {
      n = n.substring(0, 200);
    }
    return n.isEmpty() ? "file.txt" : n;
  }
}
