package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.LoggerConverter;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShortLoggerNameTest {
  private static final List<String> NAMES = List.of("imprint.request",
      "dev.imprint.server.ImprintServer", "dev.imprint.server.http.ApiServer",
      "org.eclipse.jetty.server.handler.QoSHandler", "a", "x.y", "ROOT");

  @Test
  void abbreviatesEveryNameAsLogbacksLoggerConverterDoes() {
    for (String length : new String[] {null, "0", "5", "20", "60"}) {
      List<String> options = length == null ? null : List.of(length);
      ShortLoggerName ours = new ShortLoggerName();
      ours.setOptionList(options);
      ours.start();
      LoggerConverter logbacks = new LoggerConverter();
      logbacks.setOptionList(options);
      logbacks.start();
      for (String name : NAMES) {
        LoggingEvent e = event(name);
        // twice: the second answer comes from the cache
        assertThat(ours.convert(e)).as(name + " at " + length).isEqualTo(logbacks.convert(e));
        assertThat(ours.convert(e)).as(name + " at " + length).isEqualTo(logbacks.convert(e));
      }
    }
  }

  @Test
  void aNameIsAbbreviatedToItsTargetLength() {
    ShortLoggerName ours = new ShortLoggerName();
    ours.setOptionList(List.of("20"));
    ours.start();
    assertThat(ours.convert(event("dev.imprint.server.http.ApiServer")))
        .isEqualTo("d.i.s.http.ApiServer");
  }

  private static LoggingEvent event(String name) {
    LoggerContext ctx = new LoggerContext();
    return new LoggingEvent(ch.qos.logback.classic.Logger.FQCN, ctx.getLogger(name), Level.INFO,
        "m", null, null);
  }
}
