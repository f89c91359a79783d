package dev.imprint.bench;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Catalog;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * Per-analyzer micro benchmarks: one analyzer on one typical file of its kind, in microseconds
 * per file, doing what a scan does for that file: a fresh session, a fresh {@link SourceFile}
 * (so nothing a reader caches by object identity, such as the Terraform reader's last parse, is
 * reused), {@code analyze} and {@code finish} (where the AWS, GCP, Azure and Kubernetes analyzers
 * do their cross-file work). So each operation parses the file and runs every rule, and no
 * session state outlives an operation. {@code secret} runs on a 10 KB prose/source text with no
 * secret in it (the prefilter path every ordinary file takes). Setup checks that the file reads
 * without a diagnostic, and for AWS that the same file with a planted wildcard policy is reported.
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

  private Analyzer chosen;
  private final ScanSettings settings = ScanSettings.defaults();
  private String path;
  private String text;
  private Blackhole hole;

  @Setup
  public void setUp(Blackhole blackhole) {
    hole = blackhole;
    chosen = Catalog.analyzers().stream().filter(x -> x.name().equals(analyzer)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no analyzer named " + analyzer
            + "; known: " + Catalog.analyzers().stream().map(Analyzer::name).toList()));
    SourceFile file = typicalFile(analyzer);
    path = file.path();
    text = file.text();
    List<Object> out = new ArrayList<>();
    run(out::add);
    List<Object> diagnostics = out.stream().filter(o -> o instanceof Diagnostic).toList();
    if (!diagnostics.isEmpty()) {
      throw new IllegalStateException(analyzer + ": the typical file does not read cleanly: "
          + diagnostics);
    }
    if (analyzer.equals("aws")) {
      // The same file with its planted wildcard policy must be reported: the rules ran.
      List<Object> planted = new ArrayList<>();
      Analyzer.Session check = chosen.start(settings);
      Analyzer.Sink sink = new Analyzer.Sink() {
        @Override
        public void report(Finding finding) {
          planted.add(finding);
        }

        @Override
        public void diagnose(Diagnostic diagnostic) {
          planted.add(diagnostic);
        }
      };
      check.analyze(SourceFile.of(path, CorpusGenerator.terraform(new SplittableRandom(7),
          "orders", false, true, new ArrayList<>())), sink);
      check.finish(sink);
      if (planted.stream().noneMatch(o -> o instanceof Finding)) {
        throw new IllegalStateException("aws: no finding on the file with a planted wildcard"
            + " policy: the rules did not run");
      }
    }
  }

  /** A typical file (no planted secret, no planted finding) for the analyzer's kind. */
  static SourceFile typicalFile(String analyzer) {
    SplittableRandom r = new SplittableRandom(7);
    return switch (analyzer) {
      case "dockerfile" -> SourceFile.of("svc/Dockerfile",
          CorpusGenerator.dockerfile(r, "orders", false, false, new ArrayList<>()));
      case "kubernetes" -> SourceFile.of("k8s/orders.yaml",
          CorpusGenerator.kubernetes(r, "orders", false, false, new ArrayList<>()));
      case "terraform", "aws" -> SourceFile.of("infra/main.tf",
          CorpusGenerator.terraform(r, "orders", false, false, new ArrayList<>()));
      case "compose" -> SourceFile.of("docker-compose.yml",
          CorpusGenerator.compose(r, "orders", false, false, new ArrayList<>()));
      case "ci" -> SourceFile.of(".github/workflows/ci.yml",
          CorpusGenerator.workflow(r, "orders", false, false, new ArrayList<>()));
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
      b.append(CorpusGenerator.text(r, "orders", false, new ArrayList<>()));
    }
    return b.substring(0, 10_000);
  }

  @Benchmark
  public void analyzeOneFile() {
    run(hole::consume);
  }

  /** A scan of one file: a fresh session and file, analyze, then the cross-file finish. */
  private void run(Consumer<Object> out) {
    Analyzer.Sink sink = new Analyzer.Sink() {
      @Override
      public void report(Finding finding) {
        out.accept(finding);
      }

      @Override
      public void diagnose(Diagnostic diagnostic) {
        out.accept(diagnostic);
      }
    };
    Analyzer.Session session = chosen.start(settings);
    session.analyze(SourceFile.of(path, text), sink);
    session.finish(sink);
  }
}
