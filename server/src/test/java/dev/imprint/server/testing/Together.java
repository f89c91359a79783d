package dev.imprint.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs calls on their own threads, released at one instant, to make them race (tests). */
public final class Together {
  private Together() {}

  /** Runs {@code call(0) .. call(n - 1)} at once and returns their results in index order. */
  public static <T> List<T> run(int n, IntFunction<T> call) {
    CyclicBarrier start = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<T>> running = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Callable<T> task = () -> {
          start.await(60, TimeUnit.SECONDS);
          return call.apply(index);
        };
        running.add(pool.submit(task));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : running) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a racing call failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("a racing call did not finish within two minutes", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }
}
