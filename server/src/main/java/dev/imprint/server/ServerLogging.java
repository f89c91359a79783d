package dev.imprint.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.OutputStream;
import org.slf4j.LoggerFactory;

/**
 * Configures the process's logs: text or one JSON object per line, on standard error.
 *
 * <p>The request log ({@link RequestLog}, one line per request) goes through a queue that one
 * thread writes out, so a request thread only hands its event over: encoding the line and the
 * write to standard error (one system call per line, under the appender's lock, which every
 * request thread otherwise queued for) happen off the request path. The queue holds
 * {@link #REQUEST_QUEUE} lines; when the writer falls that far behind, request threads wait
 * for room rather than drop lines. {@link #flushRequestLog()} writes what is queued (the
 * server calls it when it stops). Every other log line is written synchronously.
 */
final class ServerLogging {
  /** Request log lines queued for the writer at most. */
  static final int REQUEST_QUEUE = 8192;

  /** The request log's queue now, or null before {@link #configure}. */
  private static AsyncAppenderBase<ILoggingEvent> requestQueue;

  private ServerLogging() {}

  static void configure(ServerConfig.LogFormat format) {
    configure(format, null);
  }

  /** Logs to {@code sink} instead of standard error when it is not null (tests). */
  static void configure(ServerConfig.LogFormat format, OutputStream sink) {
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
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{20} - %msg%n%ex{short}");
      encoder = text;
    }
    encoder.setContext(ctx);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> out;
    if (sink == null) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      out = console;
    } else {
      out = new OutputStreamAppender<>();
      out.setOutputStream(sink);
    }
    out.setContext(ctx);
    out.setName("imprint");
    out.setImmediateFlush(true);
    out.setEncoder(encoder);
    out.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(out);
    Logger requests = ctx.getLogger(RequestLog.LOG.getName());
    requests.setAdditive(false);
    synchronized (ServerLogging.class) {
      requestQueue = requestQueue(ctx, out);
      requests.addAppender(requestQueue);
    }
    for (String noisy : new String[] {"org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb",
        "io.javalin"}) {
      ctx.getLogger(noisy).setLevel(Level.WARN);
    }
  }

  private static AsyncAppenderBase<ILoggingEvent> requestQueue(LoggerContext ctx,
      OutputStreamAppender<ILoggingEvent> out) {
    ch.qos.logback.classic.AsyncAppender q = new ch.qos.logback.classic.AsyncAppender();
    q.setContext(ctx);
    q.setName("imprint-requests");
    q.setQueueSize(REQUEST_QUEUE);
    // never drop a request line, however full the queue (the default drops INFO lines at 80 %)
    q.setDiscardingThreshold(0);
    q.setNeverBlock(false);
    q.setIncludeCallerData(false);
    q.setMaxFlushTime(10_000);
    q.addAppender(out);
    q.start();
    return q;
  }

  /**
   * Writes every request log line queued so far before it returns (the server stops with it, so
   * the last requests' lines are not lost when the process exits).
   */
  static void flushRequestLog() {
    synchronized (ServerLogging.class) {
      AsyncAppenderBase<ILoggingEvent> old = requestQueue;
      if (old == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
        return;
      }
      Logger requests = ctx.getLogger(RequestLog.LOG.getName());
      if (!requests.isAttached(old)) {
        return;
      }
      var out = (OutputStreamAppender<ILoggingEvent>) old.getAppender("imprint");
      // lines logged from here on go to a new queue; stopping the old one writes what it holds
      requestQueue = requestQueue(ctx, out);
      requests.addAppender(requestQueue);
      requests.detachAppender(old);
      old.stop();
    }
  }
}
