package dev.imprint.server.testing;

import java.util.function.BooleanSupplier;

/** Waits for something that happens on another thread (a notification, a reload). */
public final class Eventually {
  private Eventually() {}

  /** Returns once {@code done} holds; fails after a generous bound (not a timing assertion). */
  public static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("did not happen within 30 s");
      }
      Thread.sleep(20);
    }
  }
}
