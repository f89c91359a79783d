package dev.imprint.cli;

import dev.imprint.scan.Scanner;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress line on stderr (files and MB so far), shown only on a terminal and only once a scan
 * has run for a second; {@link #close()} clears it.
 */
final class Progress implements Scanner.Listener, AutoCloseable {
  private static final long DELAY_MS = 1000;
  private static final long PERIOD_MS = 250;

  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final PrintWriter err;
  private final Timer timer;
  private volatile int width;

  private Progress(PrintWriter err, boolean enabled) {
    this.err = err;
    this.timer = enabled ? new Timer("imprint-progress", true) : null;
    if (timer != null) {
      timer.schedule(new TimerTask() {
        @Override
        public void run() {
          print();
        }
      }, DELAY_MS, PERIOD_MS);
    }
  }

  /** Progress that prints only when {@code enabled}; otherwise it just counts. */
  static Progress start(PrintWriter err, boolean enabled) {
    return new Progress(err, enabled);
  }

  @Override
  public void scanned(long fileCount, long byteCount) {
    files.set(fileCount);
    bytes.set(byteCount);
  }

  private synchronized void print() {
    String line = String.format(Locale.ROOT, "scanning: %d files, %.1f MB", files.get(),
        bytes.get() / (1024.0 * 1024.0));
    width = Math.max(width, line.length());
    err.print("\r" + line);
    err.flush();
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.cancel();
      if (width > 0) {
        err.print("\r" + " ".repeat(width) + "\r");
        err.flush();
      }
    }
  }
}
