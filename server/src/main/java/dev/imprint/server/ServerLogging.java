package dev.imprint.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Configures the process's logs: text or one JSON object per line, on standard error, written
 * by one writer thread at least every {@link #FLUSH_INTERVAL}, at once for an ERROR, when the
 * server closes, when the JVM shuts down and when logging is reconfigured.
 *
 * <p>Why queued: a request thread formats its line and adds it to a lock-free queue, so no
 * request thread waits for another's write or for the write system call; before, every line
 * went through the appender's lock, which the flush held during the write. What a crash can
 * lose is the last interval's lines of an operational log (which requests were answered, not
 * what they changed): every change, issuance and decision is in the audit log, written in the
 * store's transaction, and errors, the lines that say why a process died, are written and
 * flushed by the thread that logs them before it goes on. If the sink stalls, the queue holds
 * at most {@link #MAX_PENDING_BYTES}; past it INFO and DEBUG lines are dropped and counted (a
 * WARN line says how many once the sink takes lines again), WARN and ERROR lines never.
 */
final class ServerLogging {
  /** How long a log line may wait in the buffer. */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);
  /** The buffer: a few hundred request lines, flushed whole in one write when it fills. */
  static final int BUFFER_BYTES = 64 * 1024;
  /** Lines waiting for the writer at most, in bytes, before INFO lines are dropped. */
  static final long MAX_PENDING_BYTES = 4L * 1024 * 1024;
  /** The logger of the line that says how many lines were dropped. */
  static final String LOGGER = "imprint.log";

  private static volatile QueuedAppender current;
  private static final AtomicBoolean HOOKED = new AtomicBoolean();

  private ServerLogging() {}

  static void configure(ServerConfig.LogFormat format) {
    configure(format, null);
  }

  /** Logs to {@code sink} instead of standard error when it is not null (tests). */
  static void configure(ServerConfig.LogFormat format, OutputStream sink) {
    configure(format, sink, FLUSH_INTERVAL);
  }

  /** Writes what the log holds to its sink now (the server calls it last when it closes). */
  static void flush() {
    QueuedAppender a = current;
    if (a != null) {
      a.flush();
    }
  }

  /** As {@link #configure(ServerConfig.LogFormat, OutputStream)} with another flush interval. */
  static void configure(ServerConfig.LogFormat format, OutputStream sink, Duration interval) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    ctx.reset();
    Encoder<ILoggingEvent> encoder;
    if (format == ServerConfig.LogFormat.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      encoder = json;
    } else {
      // %utc prints what %d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} would, at a fraction of the cost
      Map<String, Supplier<DynamicConverter>> rules = new HashMap<>();
      rules.put("utc", UtcTimestamp::new);
      rules.put("shortLogger", ShortLoggerName::new);
      ctx.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern("%utc %-5level %shortLogger{20} - %msg%n%ex{short}");
      encoder = text;
    }
    encoder.setContext(ctx);
    encoder.start();
    // System.err flushes every write, so the buffer sits in front of it; it is looked up on
    // each write (as logback's console appender does) and never closed
    OutputStream out = new BufferedOutputStream(sink != null ? sink : new OutputStream() {
      @Override
      public void write(int b) {
        System.err.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        System.err.write(b, off, len);
      }

      @Override
      public void flush() {
        System.err.flush();
      }
    }, BUFFER_BYTES);
    QueuedAppender appender = new QueuedAppender(encoder, out, interval,
        ctx.getLogger(LOGGER));
    appender.setContext(ctx);
    appender.setName("imprint");
    appender.start();
    current = appender;
    if (HOOKED.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(ServerLogging::flush, "imprint-log-flush"));
    }
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    for (String noisy : new String[] {"org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb",
        "io.javalin"}) {
      ctx.getLogger(noisy).setLevel(Level.WARN);
    }
  }

  /**
   * An appender that request threads never wait in: a line is formatted by the thread that logs
   * it and added to a lock-free queue; one writer thread drains the queue into the buffered
   * sink on a timer, or sooner when a buffer's worth is waiting. The write lock is taken only
   * by the writer, by a thread that logs an ERROR and by {@link #flush()}.
   */
  private static final class QueuedAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private final Encoder<ILoggingEvent> encoder;
    private final OutputStream out;
    private final long intervalNanos;
    private final Logger notices;
    private final ConcurrentLinkedQueue<byte[]> lines = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Thread writer;

    QueuedAppender(Encoder<ILoggingEvent> encoder, OutputStream out, Duration interval,
        Logger notices) {
      this.encoder = encoder;
      this.out = out;
      this.intervalNanos = interval.toNanos();
      this.notices = notices;
    }

    @Override
    public void start() {
      write(encoder.headerBytes());
      super.start();
      Thread t = new Thread(this::writeUntilStopped, "imprint-log-flush");
      t.setDaemon(true);
      writer = t;
      t.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
      byte[] line = encoder.encode(event);
      Level level = event.getLevel();
      long pending = pendingBytes.addAndGet(line.length);
      if (pending > MAX_PENDING_BYTES / 2 && writeLock.tryLock()) {
        // the writer is behind (starved of CPU among busy request threads, say) and nobody is
        // writing: this thread writes what waits rather than see lines dropped; never waits
        try {
          writeQueued();
        } finally {
          writeLock.unlock();
        }
        pending = pendingBytes.get();
      }
      if (pending > MAX_PENDING_BYTES && !level.isGreaterOrEqual(Level.WARN)) {
        pendingBytes.addAndGet(-line.length);
        dropped.incrementAndGet();
        return;
      }
      lines.add(line);
      if (level.isGreaterOrEqual(Level.ERROR)) {
        flush();
      } else if (pending >= BUFFER_BYTES && pending - line.length < BUFFER_BYTES) {
        LockSupport.unpark(writer);
      }
    }

    private void writeUntilStopped() {
      while (isStarted()) {
        // a buffer's worth that arrived while the last one was written goes on at once: the
        // wake-up comes only when the waiting bytes cross the mark, not while they stay above it
        if (pendingBytes.get() < BUFFER_BYTES) {
          LockSupport.parkNanos(this, intervalNanos);
        }
        flush();
      }
    }

    /** Writes every queued line to the sink and flushes it. */
    void flush() {
      writeLock.lock();
      try {
        writeQueued();
        out.flush();
      } catch (IOException e) {
        addError("cannot write the log", e);
      } finally {
        writeLock.unlock();
      }
    }

    /** Moves the queued lines into the buffer (full buffers go to the sink); holds the lock. */
    private void writeQueued() {
      try {
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
          write(encoder.encode(droppedNotice(lost)));
        }
        for (byte[] line = lines.poll(); line != null; line = lines.poll()) {
          pendingBytes.addAndGet(-line.length);
          out.write(line);
        }
      } catch (IOException e) {
        addError("cannot write the log", e);
      }
    }

    private ILoggingEvent droppedNotice(long lost) {
      return new LoggingEvent(Logger.FQCN, notices, Level.WARN, "{} log lines dropped: more than"
          + " {} bytes of lines were waiting for the log's output", null,
          new Object[] {lost, MAX_PENDING_BYTES});
    }

    private void write(byte[] bytes) {
      if (bytes != null && bytes.length > 0) {
        lines.add(bytes);
        pendingBytes.addAndGet(bytes.length);
      }
    }

    @Override
    public void stop() {
      if (!isStarted()) {
        return;
      }
      super.stop();
      Thread t = writer;
      LockSupport.unpark(t);
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      write(encoder.footerBytes());
      flush();
    }
  }
}
