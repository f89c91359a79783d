package dev.imprint.scan.probe;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTest {
  @Test
  void probe() throws Exception {
    Path dir = Path.of(System.getProperty("probe.dir", "/tmp/secrets-work/probe"));
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(p).toString();
        String name = rel.contains("__") ? rel.substring(rel.indexOf("__") + 2) : rel;
        List<Finding> fs = Scanner.create(ScanSettings.defaults().withThreads(1))
            .scanSources(List.of(SourceFile.of(name.replace('~', '/'), Files.readString(p)))).findings();
        for (Finding f : fs) {
          if (f.secret() != null || System.getProperty("probe.all") != null) {
            System.out.println("PROBE " + rel + ":" + f.location().line() + " " + f.ruleId() + " "
                + f.severity() + " " + f.message() + (f.secret() == null ? "" : " [" + f.secret().redacted() + "]"));
          }
        }
      }
    }
  }
}
