package dev.imprint.server.testing;

import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A test-only route, {@code GET /test/slow} (admin), whose requests stay in their handler until
 * the test lets them go: a request in flight for as long as a test needs, without a timer.
 */
public final class HeldRoutes implements ApiModule {
  private final Semaphore entered = new Semaphore(0);
  private final CountDownLatch release = new CountDownLatch(1);

  @Override
  public void routes(Api api) {
    api.get("/test/slow", ctx -> {
      entered.release();
      release.await(5, TimeUnit.MINUTES);
      ctx.result("finished");
    }, Role.ADMIN);
  }

  @Override
  public String openApiFragment() {
    return "openapi/test-slow.json";
  }

  /** Whether {@code n} requests have entered the handler within a generous bound. */
  public boolean entered(int n) throws InterruptedException {
    return entered.tryAcquire(n, 2, TimeUnit.MINUTES);
  }

  /** Lets every request in the handler, and any to come, finish. */
  public void release() {
    release.countDown();
  }
}
