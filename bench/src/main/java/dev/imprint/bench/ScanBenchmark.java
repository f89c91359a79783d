package dev.imprint.bench;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * fixed in-memory sample of typical files (the corpus generator's first files, seed 42), each
 * operation on fresh {@link SourceFile} objects as a scan reads them (nothing cached by object
 * identity is reused). Setup checks that a scan of the sample finds every planted secret at its
 * line, so the figure is that of a scan that did its work. The {@code files} and {@code bytes}
 * counters are reported as files/s and bytes/s on one thread.
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

  private List<CorpusGenerator.Generated> sample;
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
    sample = new CorpusGenerator(42).sample(SAMPLE);
    Set<String> planted = new HashSet<>();
    for (CorpusGenerator.Generated g : sample) {
      sampleBytes += g.content().getBytes(StandardCharsets.UTF_8).length;
      g.plantedLines().forEach(line -> planted.add(g.path() + ":" + line));
    }
    scanner = Scanner.create(ScanSettings.defaults());
    Set<String> found = new HashSet<>();
    for (Finding f : scanner.scanSources(fresh()).findings()) {
      if (f.secret() != null) {
        found.add(f.location().path() + ":" + f.location().line());
      }
    }
    planted.removeAll(found);
    if (!planted.isEmpty()) {
      throw new IllegalStateException("the scan missed planted secrets: " + planted);
    }
  }

  private List<SourceFile> fresh() {
    List<SourceFile> files = new ArrayList<>(sample.size());
    for (CorpusGenerator.Generated g : sample) {
      files.add(SourceFile.of(g.path(), g.content()));
    }
    return files;
  }

  @Benchmark
  public ScanReport scanSample(Throughput counters) {
    ScanReport report = scanner.scanSources(fresh());
    counters.files += sample.size();
    counters.bytes += sampleBytes;
    return report;
  }
}
