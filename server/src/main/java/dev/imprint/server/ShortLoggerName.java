package dev.imprint.server;

import ch.qos.logback.classic.pattern.Abbreviator;
import ch.qos.logback.classic.pattern.ClassNameOnlyAbbreviator;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A text log line's logger, abbreviated as {@code %logger{n}} would print it, from a map that
 * request threads read without a lock: logback's converter keeps its cache behind a monitor
 * that every line took, so request threads queued on it under load.
 */
final class ShortLoggerName extends DynamicConverter<ILoggingEvent> {
  /** More names than the process has loggers; past it a name is abbreviated every time. */
  static final int MAX_CACHED = 1024;

  private final ConcurrentMap<String, String> abbreviated = new ConcurrentHashMap<>();
  private Abbreviator abbreviator;

  @Override
  public void start() {
    // as logback reads {n}: none is the full name, 0 the last segment, else a target length
    List<String> options = getOptionList();
    if (options != null && !options.isEmpty()) {
      int length = Integer.parseInt(options.get(0));
      abbreviator = length == 0 ? new ClassNameOnlyAbbreviator()
          : new TargetLengthBasedClassNameAbbreviator(length);
    }
    super.start();
  }

  @Override
  public String convert(ILoggingEvent event) {
    String name = event.getLoggerName();
    if (abbreviator == null) {
      return name;
    }
    String shortName = abbreviated.get(name);
    if (shortName == null) {
      shortName = abbreviator.abbreviate(name);
      if (abbreviated.size() < MAX_CACHED) {
        abbreviated.putIfAbsent(name, shortName);
      }
    }
    return shortName;
  }
}
