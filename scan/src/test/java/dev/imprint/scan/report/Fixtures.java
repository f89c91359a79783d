package dev.imprint.scan.report;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Category;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.FingerprintKey;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A fake analyzer and a fixed report shared by the reporter tests. */
final class Fixtures {
  static final String RAW_SECRET = "hunter2-Sup3rS3cretValue-9f8e7d6c5b4a";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);
  /** A fixed key, so that secret fingerprints (and golden files) are the same on every run. */
  static final FingerprintKey KEY = FingerprintKey.of("imprint-reporter-tests-fixed-key-0001");
  static final ScanSettings SETTINGS = ScanSettings.defaults().withFingerprintKey(KEY);

  static final Rule SECRET_RULE = Rule.builder("IMP-TEST-001")
      .title("Hard-coded secret in <config> & \"friends\"")
      .severity(Severity.CRITICAL).category(Category.NHI2)
      .rationale("Secrets in files leak. Anyone with read access can use them.")
      .remediation("Move the secret to a secret store. Rotate it.")
      .example("password: s3cr3t", "password: ${PASSWORD}").tags("test", "CWE-798").build();
  static final Rule IMAGE_RULE = Rule.builder("IMP-TEST-002")
      .title("Image not pinned by digest")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("Tags move. A moved tag changes what runs.")
      .remediation("Pin the image by digest. Update digests with a bot.")
      .example("FROM ubuntu:latest", "FROM ubuntu@sha256:abc").tags("dockerfile").build();

  private Fixtures() {}

  /** Reports a secret for every line containing {@code password:} and a diagnostic for "!". */
  static final class FakeAnalyzer implements Analyzer {
    @Override
    public String name() {
      return "fake";
    }

    @Override
    public List<Rule> rules() {
      return List.of(SECRET_RULE, IMAGE_RULE);
    }

    @Override
    public Session start(ScanSettings settings) {
      return (file, sink) -> {
        String[] lines = file.text().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          String line = lines[i];
          int p = line.indexOf("password: ");
          if (p >= 0) {
            String raw = line.substring(p + 10).trim();
            sink.report(SECRET_RULE.at(file.location(i + 1, p + 11), "secret in 'password'")
                .withSecret(SecretEvidence.of(raw)));
          }
          if (line.startsWith("FROM ")) {
            sink.report(IMAGE_RULE.at(file.location(i + 1, 6),
                "image '" + line.substring(5).trim() + "' is not pinned by digest"));
          }
          if (line.startsWith("ESCALATE ")) {
            sink.report(IMAGE_RULE.at(file.location(i + 1, 10), "image '"
                + line.substring(9).trim() + "' is mutable and runs in production")
                .withSeverity(Severity.HIGH));
          }
          if (line.startsWith("!")) {
            sink.diagnose(new Diagnostic(file.location(i + 1, 1), Diagnostic.Kind.PARSE_ERROR,
                "expected a key, found '!'"));
          }
        }
      };
    }
  }

  /** A report with findings in two files (one with a secret and XML-hostile text). */
  static ScanReport report() {
    return Scanner.create(SETTINGS, List.of(new FakeAnalyzer()), CLOCK)
        .scanSources(List.of(
            SourceFile.of("config/app <1>&.yaml", "name: x\npassword: " + RAW_SECRET + "\n!bad\n"),
            SourceFile.of("Dockerfile", "FROM ubuntu:latest\n")));
  }

  /** {@link #report()} plus a finding escalated above its rule's default severity. */
  static ScanReport escalated() {
    return Scanner.create(SETTINGS, List.of(new FakeAnalyzer()), CLOCK)
        .scanSources(List.of(
            SourceFile.of("config/app <1>&.yaml", "name: x\npassword: " + RAW_SECRET + "\n!bad\n"),
            SourceFile.of("Dockerfile", "FROM ubuntu:latest\n"),
            SourceFile.of("deploy/prod.Dockerfile", "ESCALATE ubuntu:latest\n")));
  }

  /** {@link #report()} with a fixed elapsed time, so that every format renders the same. */
  static ScanReport fixed() {
    ScanReport r = report();
    return new ScanReport(r.findings(), r.diagnostics(), r.filesScanned(), r.bytesScanned(),
        r.filesSkipped(), r.suppressed(), java.time.Duration.ofMillis(1234));
  }

  static ScanReport empty() {
    return Scanner.create(SETTINGS, List.of(new FakeAnalyzer()), CLOCK)
        .scanSources(List.of(SourceFile.of("ok.txt", "nothing\n")));
  }
}
