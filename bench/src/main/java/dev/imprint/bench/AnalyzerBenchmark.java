package dev.imprint.bench;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Catalog;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-analyzer micro benchmarks: one analyzer's session on one typical file of its kind, in
 * microseconds per file. {@code secret} runs on a 10 KB prose/source text with no secret in it
 * (the prefilter path every ordinary file takes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xss4m"})
@State(Scope.Benchmark)
public class AnalyzerBenchmark {
  @Param({"dockerfile", "kubernetes", "terraform", "compose", "ci", "packer", "aws", "secret"})
  public String analyzer;

  private Analyzer.Session session;
  private SourceFile file;
  private Blackhole hole;

  @Setup
  public void setUp(Blackhole blackhole) {
    hole = blackhole;
    Analyzer a = Catalog.analyzers().stream().filter(x -> x.name().equals(analyzer)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no analyzer named " + analyzer
            + "; known: " + Catalog.analyzers().stream().map(Analyzer::name).toList()));
    session = a.start(ScanSettings.defaults());
    file = typicalFile(analyzer);
  }

  /** A typical file (no planted secret, no planted finding) for the analyzer's kind. */
  static SourceFile typicalFile(String analyzer) {
    SplittableRandom r = new SplittableRandom(7);
    return switch (analyzer) {
      case "dockerfile" -> SourceFile.of("svc/Dockerfile",
          CorpusGenerator.dockerfile(r, "orders", false, false));
      case "kubernetes" -> SourceFile.of("k8s/orders.yaml",
          CorpusGenerator.kubernetes(r, "orders", false, false));
      case "terraform", "aws" -> SourceFile.of("infra/main.tf",
          CorpusGenerator.terraform(r, "orders", false, false));
      case "compose" -> SourceFile.of("docker-compose.yml",
          CorpusGenerator.compose(r, "orders", false, false));
      case "ci" -> SourceFile.of(".github/workflows/ci.yml",
          CorpusGenerator.workflow(r, "orders", false, false));
      case "packer" -> SourceFile.of("image.pkr.hcl", "source \"amazon-ebs\" \"base\" {\n"
          + "  ami_name      = \"orders-{{timestamp}}\"\n  instance_type = \"t3.micro\"\n"
          + "  region        = \"eu-west-1\"\n}\n\nbuild {\n  sources = [\"source.amazon-ebs.base\"]\n"
          + "  provisioner \"shell\" {\n    inline = [\"sudo apt-get update\"]\n  }\n}\n");
      default -> SourceFile.of("docs/orders.md", tenKilobytesWithoutSecret(r));
    };
  }

  static String tenKilobytesWithoutSecret(SplittableRandom r) {
    StringBuilder b = new StringBuilder(10_500);
    while (b.length() < 10_000) {
      b.append(CorpusGenerator.text(r, "orders", false));
    }
    return b.substring(0, 10_000);
  }

  @Benchmark
  public void analyzeOneFile() {
    session.analyze(file, new Analyzer.Sink() {
      @Override
      public void report(Finding finding) {
        hole.consume(finding);
      }

      @Override
      public void diagnose(Diagnostic diagnostic) {
        hole.consume(diagnostic);
      }
    });
  }
}
