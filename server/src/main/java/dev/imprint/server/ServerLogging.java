package dev.imprint.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/** Configures the process's logs: text or one JSON object per line, on standard error. */
final class ServerLogging {
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
    for (String noisy : new String[] {"org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb",
        "io.javalin"}) {
      ctx.getLogger(noisy).setLevel(Level.WARN);
    }
  }
}
