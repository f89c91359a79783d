package dev.imprint.scan.packer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.FuzzInput;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;

/**
 * Fuzzes the template reader and the rules over it in every syntax: any bounded input gives a
 * template, a located failure or "not Packer", never an exception or a stack overflow.
 */
class PackerTemplateFuzzTest {
  private static final String[] NAMES = {"web.pkr.hcl", "web.pkr.json", "template.json",
      "prod.pkrvars.hcl", "prod.pkrvars.json"};

  @FuzzTest(maxDuration = "2m")
  void readNeverThrowsAndLocatesEveryFailure(byte[] data) {
    String text = FuzzInput.text(data);
    for (String name : NAMES) {
      SourceFile file = SourceFile.of(name, text);

      PackerReader.Result result = PackerReader.read(file);

      assertThat(result).isNotNull();
      if (result instanceof PackerReader.Failed f) {
        assertThat(f.line()).isPositive();
        assertThat(f.column()).isPositive();
        assertThat(f.message()).isNotBlank();
      }
      new PackerAnalyzer().start(ScanSettings.defaults()).analyze(file, new Analyzer.Sink() {
        @Override
        public void report(Finding finding) {
          assertThat(finding.location().line()).isPositive();
        }

        @Override
        public void diagnose(Diagnostic diagnostic) {
          assertThat(diagnostic.message()).isNotBlank();
        }
      });
    }
  }
}
