package dev.imprint.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Configures the process's logs: text or one JSON object per line, on standard error, written
 * through a buffer that is flushed at least every {@link #FLUSH_INTERVAL}, at once for an ERROR,
 * when the server closes, when the JVM shuts down and when logging is reconfigured.
 *
 * <p>Why buffered: a flush per line was a write system call per request under the appender's
 * lock, which every request thread queued on. What a crash can lose is the last interval's
 * lines of an operational log (which requests were answered, not what they changed): every
 * change, issuance and decision is in the audit log, written in the store's transaction, and
 * errors, the lines that say why a process died, are flushed as they are written.
 */
final class ServerLogging {
  /** How long a log line may wait in the buffer. */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);
  /** The buffer: a few hundred request lines, flushed whole in one write when it fills. */
  static final int BUFFER_BYTES = 64 * 1024;

  private static volatile BufferedAppender current;
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
    BufferedAppender a = current;
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
      ctx.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern("%utc %-5level %logger{20} - %msg%n%ex{short}");
      encoder = text;
    }
    encoder.setContext(ctx);
    encoder.start();
    BufferedAppender appender = new BufferedAppender(interval);
    // System.err flushes every write, so the buffer sits in front of it; it is looked up on
    // each write (as logback's console appender does) and never closed
    appender.setOutputStream(new BufferedOutputStream(sink != null ? sink : new OutputStream() {
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
    }, BUFFER_BYTES));
    appender.setContext(ctx);
    appender.setName("imprint");
    appender.setImmediateFlush(false);
    appender.setEncoder(encoder);
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

  /** An appender whose stream is buffered: flushed on a timer, for an ERROR and on stop. */
  private static final class BufferedAppender extends OutputStreamAppender<ILoggingEvent> {
    private final Duration interval;
    private ScheduledExecutorService flusher;

    BufferedAppender(Duration interval) {
      this.interval = interval;
    }

    @Override
    public void start() {
      super.start();
      flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "imprint-log-flush");
        t.setDaemon(true);
        return t;
      });
      long ms = interval.toMillis();
      flusher.scheduleWithFixedDelay(this::flush, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void subAppend(ILoggingEvent event) {
      super.subAppend(event);
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        flush();
      }
    }

    void flush() {
      streamWriteLock.lock();
      try {
        OutputStream s = getOutputStream();
        if (s != null) {
          s.flush();
        }
      } catch (IOException e) {
        addError("cannot flush the log", e);
      } finally {
        streamWriteLock.unlock();
      }
    }

    @Override
    public void stop() {
      if (flusher != null) {
        flusher.shutdownNow();
      }
      flush();
      super.stop();
    }
  }
}
