package dev.imprint.bench;

import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process engine throughput: {@link Scanner#scanSources} with every built-in analyzer over a
 * fixed in-memory sample of typical files (the corpus generator's first files, seed 42). The
 * {@code files} and {@code bytes} counters are reported as files/s and bytes/s on one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xss4m"})
@State(Scope.Benchmark)
public class ScanBenchmark {
  /** Number of files in the sample. */
  static final int SAMPLE = 500;

  private List<SourceFile> sample;
  private long sampleBytes;
  private Scanner scanner;

  /** Counts files and bytes scanned, reported by JMH as rates. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Throughput {
    public long files;
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      files = 0;
      bytes = 0;
    }
  }

  @Setup
  public void setUp() {
    sample = new ArrayList<>();
    for (CorpusGenerator.Generated g : new CorpusGenerator(42).sample(SAMPLE)) {
      sample.add(SourceFile.of(g.path(), g.content()));
      sampleBytes += g.content().getBytes(StandardCharsets.UTF_8).length;
    }
    scanner = Scanner.create(ScanSettings.defaults());
  }

  @Benchmark
  public ScanReport scanSample(Throughput counters) {
    ScanReport report = scanner.scanSources(sample);
    counters.files += sample.size();
    counters.bytes += sampleBytes;
    return report;
  }
}
