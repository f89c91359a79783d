package dev.imprint.bench.netpol;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.netpol.ClusterReader;
import dev.imprint.scan.netpol.Connectivity;
import java.util.List;
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

/**
 * Connectivity analysis time ({@code imprint netpol connectivity} without printing): read the
 * {@link NetpolCorpus} manifests (1,000 workloads, 500 policies by default) into a cluster and
 * list every allowed connection. Setup checks that the manifests read without an error and
 * that the list holds both restricted and unrestricted pairs.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@State(Scope.Benchmark)
public class ConnectivityBenchmark {
  @Param({"1000"})
  public int workloads;

  @Param({"500"})
  public int policies;

  private List<SourceFile> manifests;

  @Setup
  public void setUp() {
    manifests = NetpolCorpus.manifests(workloads, policies);
    ClusterReader.Result r = ClusterReader.read(manifests);
    if (!r.errors().isEmpty() || r.cluster().workloads().size() != workloads
        || r.cluster().policies().size() != policies) {
      throw new IllegalStateException("corpus does not read cleanly: " + r.errors());
    }
    List<Connectivity.Line> lines = Connectivity.analyze(r.cluster());
    long all = lines.stream().filter(l -> l.conn().isAll()).count();
    if (all == 0 || all == lines.size()) {
      throw new IllegalStateException("corpus exercises no policy: " + lines.size() + " lines, "
          + all + " unrestricted");
    }
  }

  /** Reads the manifests and computes the connectivity list. */
  @Benchmark
  public List<Connectivity.Line> readAndAnalyze() {
    return Connectivity.analyze(ClusterReader.read(manifests).cluster());
  }
}
