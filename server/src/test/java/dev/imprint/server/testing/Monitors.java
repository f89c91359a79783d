package dev.imprint.server.testing;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * Whether a thread waits for one particular monitor, decided from the thread's state and the
 * identity of the lock it waits for, never from time. A thread's state alone is not enough: on a
 * loaded machine a thread may be BLOCKED for a moment on another monitor it passes through (a
 * class being initialised by another thread, a map bin), which once failed clean builds.
 */
public final class Monitors {
  private Monitors() {}

  /** Whether {@code t} is blocked entering {@code lock}'s monitor (not some other one). */
  public static boolean blockedOn(Thread t, Object lock) {
    if (t.getState() != Thread.State.BLOCKED) {
      return false;
    }
    ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(t.getId());
    LockInfo on = info == null ? null : info.getLockInfo();
    return on != null && info.getThreadState() == Thread.State.BLOCKED
        && on.getIdentityHashCode() == System.identityHashCode(lock)
        && on.getClassName().equals(lock.getClass().getName());
  }

  /** Whether {@code t} is blocked entering a monitor that {@code owner} holds. */
  public static boolean blockedBy(Thread t, Thread owner) {
    if (t.getState() != Thread.State.BLOCKED) {
      return false;
    }
    ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(t.getId());
    return info != null && info.getThreadState() == Thread.State.BLOCKED
        && info.getLockOwnerId() == owner.getId();
  }

  /**
   * Whether {@code work}, run on a new thread while this thread holds {@code lock}'s monitor,
   * finishes rather than blocking on it.
   */
  public static boolean runsWhileHeld(Object lock, Runnable work) throws InterruptedException {
    Thread t = new Thread(work, "runs-while-held");
    boolean blocked = false;
    synchronized (lock) {
      t.start();
      while (t.isAlive() && !blocked) {
        blocked = blockedOn(t, lock);
        Thread.onSpinWait();
      }
    }
    t.join();
    return !blocked;
  }

  /**
   * Returns once {@code t} is blocked entering {@code lock}'s monitor (which the caller holds);
   * fails if {@code t} ends instead.
   */
  public static void awaitBlockedOn(Thread t, Object lock) {
    while (!blockedOn(t, lock)) {
      if (!t.isAlive()) {
        throw new AssertionError(t.getName() + " ended without waiting for " + lock);
      }
      Thread.onSpinWait();
    }
  }
}
