package dev.imprint.scan.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.InternalErrorGuard;
import dev.imprint.scan.InternalErrors;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryInternalErrorTest {

  @Test
  @InternalErrorGuard.Expected
  void anExtractorsBugIsAnInternalErrorNamingTheFileAndTheOthersStillRun() {
    List<String> read = new ArrayList<>();
    Extractor broken = (file, facts) -> {
      throw new NullPointerException("secret hunter2");
    };
    Extractor working = (file, facts) -> read.add(file.path());
    List<Diagnostic> diagnostics = new ArrayList<>();
    long before = InternalErrors.count();

    new InventoryBuilder.Collector(List.of(broken, working)).start(ScanSettings.defaults())
        .analyze(SourceFile.of("k8s/app.yaml", "kind: Pod\n"), new Analyzer.Sink() {
          @Override
          public void report(Finding finding) {}

          @Override
          public void diagnose(Diagnostic diagnostic) {
            diagnostics.add(diagnostic);
          }
        });

    assertThat(read).containsExactly("k8s/app.yaml");
    assertThat(diagnostics).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Diagnostic.Kind.INTERNAL_ERROR);
      assertThat(d.location().path()).isEqualTo("k8s/app.yaml");
      assertThat(d.message()).contains("internal error", "inventory", "NullPointerException")
          .doesNotContain("hunter2");
    });
    assertThat(InternalErrors.count()).isEqualTo(before + 1);
  }
}
