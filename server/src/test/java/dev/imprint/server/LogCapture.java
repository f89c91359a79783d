package dev.imprint.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Routes the process's logs, configured as the server configures them, into memory. */
final class LogCapture implements AutoCloseable {
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();

  private LogCapture(ServerConfig.LogFormat format) {
    ServerLogging.configure(format, sink);
  }

  static LogCapture start(ServerConfig.LogFormat format) {
    return new LogCapture(format);
  }

  /** What was logged so far: the log's buffer is flushed first, as its timer would. */
  String text() {
    ServerLogging.flush();
    synchronized (sink) {
      return sink.toString(StandardCharsets.UTF_8);
    }
  }

  List<String> lines() {
    return Arrays.stream(text().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  /** Restores the test logging configuration (logback-test.xml). */
  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    try {
      new ContextInitializer(ctx).autoConfig();
    } catch (JoranException e) {
      throw new IllegalStateException(e);
    }
  }
}
