package dev.imprint.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The monitor checks see a wait for the held monitor, and only that one. */
class MonitorsTest {
  @Test
  void aThreadThatWaitsForTheHeldMonitorIsSeen() throws Exception {
    Object lock = new Object();
    assertThat(Monitors.runsWhileHeld(lock, () -> {
      synchronized (lock) {
        lock.hashCode();
      }
    })).isFalse();
    assertThat(Monitors.runsWhileHeld(lock, () -> { })).isTrue();
  }

  @Test
  void aThreadBlockedOnAnotherMonitorIsNotBlockedOnTheHeldOne() throws Exception {
    Object held = new Object();
    Object other = new Object();
    Thread t = new Thread(() -> {
      synchronized (other) {
        other.hashCode();
      }
    });
    synchronized (other) {
      t.start();
      Monitors.awaitBlockedOn(t, other);
      assertThat(Monitors.blockedOn(t, held)).isFalse();
      assertThat(Monitors.blockedOn(t, other)).isTrue();
      assertThat(Monitors.blockedBy(t, Thread.currentThread())).isTrue();
      assertThat(Monitors.blockedBy(t, t)).isFalse();
    }
    t.join();
  }

  @Test
  void waitingForAThreadThatEndsInsteadFails() throws Exception {
    Thread t = new Thread(() -> { });
    t.start();
    t.join();
    assertThatThrownBy(() -> Monitors.awaitBlockedOn(t, new Object()))
        .isInstanceOf(AssertionError.class).hasMessageContaining("ended without waiting");
  }
}
