package dev.imprint.bench.authz;

import dev.imprint.authz.Decider;
import dev.imprint.authz.Decision;
import dev.imprint.authz.Request;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process decisions of the embeddable {@link Decider}: one decision per invocation over the
 * {@link GrantCorpus} requests in turn (about half match a grant), with 10 and with 10,000
 * grants over 1,000 identities. Sample mode gives throughput and the p50/p99 of one decision;
 * the request is parsed and checked every time, as in production.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecisionBenchmark {
  @Param({"10", "10000"})
  public int grants;

  private Decider decider;
  private Request[] requests;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    GrantCorpus corpus = GrantCorpus.create(grants, 10_000, 42);
    decider = new Decider(corpus.policy());
    List<Request> list = corpus.requests();
    requests = list.toArray(new Request[0]);
    long allowed = list.stream().filter(r -> decider.decide(r).allowed()).count();
    if (allowed == 0 || allowed == list.size()) {
      throw new IllegalStateException("the corpus must mix allows and denies, got " + allowed
          + " allows of " + list.size());
    }
  }

  @Benchmark
  public Decision decide() {
    Request r = requests[next];
    next = next + 1 == requests.length ? 0 : next + 1;
    return decider.decide(r);
  }
}
