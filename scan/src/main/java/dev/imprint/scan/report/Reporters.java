package dev.imprint.scan.report;

import java.util.List;
import java.util.Locale;

/** Looks up a reporter by its format name. */
public final class Reporters {

  /** Format names accepted by {@link #forFormat}, in the order shown in help. */
  public static final List<String> FORMATS = List.of("text", "json", "sarif", "junit", "gitlab");

  private Reporters() {}

  /**
   * The reporter for {@code text}, {@code json}, {@code sarif}, {@code junit} or {@code gitlab}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Reporter forFormat(String format, ReportOptions options) {
    String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
    return switch (f) {
      case "text" -> new TextReporter(options);
      case "json" -> new JsonReporter(options);
      case "sarif" -> new SarifReporter(options);
      case "junit" -> new JunitReporter(options);
      case "gitlab" -> new GitlabReporter(options);
      default -> throw new IllegalArgumentException("unknown format '" + format
          + "': expected one of " + String.join(", ", FORMATS));
    };
  }
}
