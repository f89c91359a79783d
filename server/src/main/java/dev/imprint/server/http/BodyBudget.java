package dev.imprint.server.http;

import io.javalin.http.Context;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The request bodies the server reads and holds at once, in bytes: a request takes its
 * Content-Length (or its route's limit when it sends none) before its body is read and gives it
 * back when its handler ends, so the memory that bodies and their parsed forms take is bounded
 * however many clients upload at once. A request that cannot get its share within {@link
 * #WAIT_MILLIS} is answered 503 {@code server.busy} with {@code Retry-After}. Small requests
 * may pass a large one that waits (the semaphore is not fair), so a queue of large uploads
 * never holds up the small writes behind it.
 */
final class BodyBudget {
  /** How long a request waits for its share before 503. */
  static final long WAIT_MILLIS = 2_000;
  /** Seconds a client is told to wait after a 503. */
  static final int RETRY_AFTER_SECONDS = 2;
  private static final String HOLD = "imprint.bodyHold";

  private final long totalKib;
  private final Semaphore kib;
  private final boolean enforced;

  /** A budget of {@code totalBytes}. */
  BodyBudget(long totalBytes) {
    this(totalBytes, true);
  }

  private BodyBudget(long totalBytes, boolean enforced) {
    this.totalKib = Math.max(1, Math.min(Integer.MAX_VALUE, totalBytes / 1024));
    this.kib = new Semaphore((int) totalKib, false);
    this.enforced = enforced;
  }

  /** No budget at all: holds nothing and never refuses (the input-limits benchmark A/B only). */
  static BodyBudget none() {
    return new BodyBudget(Long.MAX_VALUE, false);
  }

  /**
   * The default budget: a sixteenth of the heap, and at least two bodies of the largest route
   * limit, so one largest upload and the small writes beside it always fit.
   */
  static BodyBudget forHeap(long maxHeapBytes, long largestBody) {
    return new BodyBudget(Math.max(maxHeapBytes / 16, 2 * largestBody));
  }

  long totalBytes() {
    return totalKib * 1024;
  }

  /** Bytes held by requests now. */
  long heldBytes() {
    return (totalKib - kib.availablePermits()) * 1024;
  }

  /**
   * Takes {@code bytes} for {@code ctx}'s request until {@link #release(Context)}; a 413 when
   * the request could never fit, a 503 when it does not fit in time.
   */
  void hold(Context ctx, long bytes) {
    if (!enforced) {
      return;
    }
    release(ctx);
    ctx.attribute(HOLD, new int[] {take(bytes, ctx::header)});
  }

  /**
   * Takes {@code bytes} for a request served outside Javalin ({@link CoreRoutes}) and returns
   * the KiB taken, to give back with {@link #give(int)}; the same 413 and 503 as {@link
   * #hold(Context, long)}, with {@code header} setting the 503's Retry-After.
   */
  int take(long bytes, BiConsumer<String, String> header) {
    if (!enforced) {
      return 0;
    }
    int want = (int) Math.min(totalKib + 1, Math.max(1, (bytes + 1023) / 1024));
    if (want > totalKib) {
      throw new ApiProblem(413, "http.413", "Content too large", "the request body of " + bytes
          + " bytes is larger than all the server may hold at once (" + totalBytes()
          + " bytes, a sixteenth of its heap); send a smaller body or give the server more"
          + " memory");
    }
    boolean got;
    try {
      got = kib.tryAcquire(want, WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      got = false;
    }
    if (!got) {
      throw busy(header);
    }
    return want;
  }

  /**
   * Takes {@code bytes} more without waiting for a request that holds {@code held} KiB (served
   * outside Javalin) and returns the KiB it holds now; a 503 when the budget has no room now.
   */
  int takeMore(int held, long bytes, BiConsumer<String, String> header) {
    if (!enforced) {
      return held;
    }
    int more = (int) Math.min(totalKib, Math.max(1, (bytes + 1023) / 1024));
    if (!kib.tryAcquire(more)) {
      throw busy(header);
    }
    return held + more;
  }

  /** Gives back {@code kibHeld} KiB taken with {@link #take} and {@link #takeMore}. */
  void give(int kibHeld) {
    if (kibHeld > 0) {
      kib.release(kibHeld);
    }
  }

  /**
   * Adds {@code bytes} to what {@code ctx}'s request holds, without waiting (the request is
   * already reading and holds memory): a 503 when the budget has no room now.
   */
  void extend(Context ctx, long bytes) {
    if (!enforced) {
      return;
    }
    int[] held = ctx.attribute(HOLD);
    if (held == null) {
      throw busy(ctx::header);
    }
    held[0] = takeMore(held[0], bytes, ctx::header);
  }

  private static ApiProblem busy(BiConsumer<String, String> header) {
    header.accept("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    return new ApiProblem(503, "server.busy", "Service unavailable", "the server is reading"
        + " as many request bodies as its memory allows; retry after " + RETRY_AFTER_SECONDS
        + " seconds");
  }

  /** Gives back what {@code ctx}'s request holds, if anything; idempotent. */
  void release(Context ctx) {
    int[] held = ctx.attribute(HOLD);
    if (held != null && held[0] > 0) {
      kib.release(held[0]);
      held[0] = 0;
    }
  }
}
