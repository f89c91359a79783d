package dev.imprint.scan;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code imprint:ignore <RULE-ID>[,<RULE-ID>...] <reason> [until=YYYY-MM-DD]} comments.
 * A directive on a line with code covers that line; a directive alone on a comment line
 * covers the next line. A directive without a reason, with a malformed date or past its date
 * covers nothing and yields a diagnostic.
 */
final class InlineIgnores {
  static final String MARKER = "imprint:ignore";
  private static final Pattern DIRECTIVE =
      Pattern.compile("imprint:ignore(?:[ \\t]+([A-Za-z0-9,\\-]+))?(.*)");
  private static final Pattern UNTIL = Pattern.compile("\\buntil=(\\S+)");
  private static final Pattern COMMENT_ONLY =
      Pattern.compile("^\\s*(#|//|/\\*|\\*|--|<!--|;|REM\\b)?\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern COMMENT_TAIL = Pattern.compile("\\s*(\\*/|-->)\\s*$");

  /** One honoured directive: the rule ids it covers on one line. */
  record Directive(int line, Set<String> ruleIds) {
    boolean covers(Finding f) {
      return f.location().line() == line && ruleIds.contains(f.ruleId());
    }
  }

  private InlineIgnores() {}

  static List<Directive> parse(SourceFile file, LocalDate today, List<Diagnostic> diagnostics) {
    List<Directive> out = new ArrayList<>();
    String text = file.text();
    if (!text.contains(MARKER)) {
      return out;
    }
    int lines = file.lineCount();
    for (int n = 1; n <= lines; n++) {
      String line = file.line(n);
      int at = line.indexOf(MARKER);
      if (at < 0) {
        continue;
      }
      Matcher m = DIRECTIVE.matcher(line.substring(at));
      if (!m.matches()) {
        continue;
      }
      Location where = file.location(n, at + 1);
      String ids = m.group(1);
      String rest = COMMENT_TAIL.matcher(m.group(2)).replaceAll("").trim();
      if (ids == null || !ids.toUpperCase(Locale.ROOT).startsWith("IMP-")) {
        diagnostics.add(new Diagnostic(where, Diagnostic.Kind.CONFIG,
            "imprint:ignore needs a rule id, e.g. 'imprint:ignore IMP-DOCKER-001 <reason>'"));
        continue;
      }
      Matcher until = UNTIL.matcher(rest);
      String reason = until.replaceAll("").trim();
      if (reason.isEmpty()) {
        diagnostics.add(new Diagnostic(where, Diagnostic.Kind.CONFIG,
            "imprint:ignore " + ids + " has no reason; write why it is safe after the rule id"));
        continue;
      }
      until.reset();
      if (until.find()) {
        LocalDate expiry;
        try {
          expiry = LocalDate.parse(until.group(1));
        } catch (DateTimeParseException e) {
          diagnostics.add(new Diagnostic(where, Diagnostic.Kind.CONFIG,
              "imprint:ignore " + ids + " has until=" + until.group(1)
                  + ", expected a date as YYYY-MM-DD"));
          continue;
        }
        if (expiry.isBefore(today)) {
          diagnostics.add(new Diagnostic(where, Diagnostic.Kind.CONFIG,
              "imprint:ignore " + ids + " expired on " + expiry + "; the finding is reported"));
          continue;
        }
      }
      boolean alone = COMMENT_ONLY.matcher(line.substring(0, at)).matches();
      Set<String> set = Set.copyOf(List.of(ids.toUpperCase(Locale.ROOT).split(",")));
      out.add(new Directive(alone ? nextCodeLine(file, n, lines) : n, set));
    }
    return out;
  }

  private static int nextCodeLine(SourceFile file, int from, int lines) {
    for (int n = from + 1; n <= lines; n++) {
      if (!file.line(n).isBlank()) {
        return n;
      }
    }
    return from + 1;
  }
}
