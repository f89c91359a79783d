package dev.imprint.scan.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Go text/template (Helm chart) or Jinja (Ansible, {@code .j2}) template into text that
 * reads without rendering it, line for line, so that findings keep their lines:
 *
 * <ul>
 *   <li>a line that holds only control directives ({@code {{- if .Values.x }}},
 *       {@code {{- end }}}, template comments, {@code {{ $x := ... }}}, Jinja's
 *       <code>{% if x %}</code>, <code>{% endfor %}</code> and <code>{# note #}</code>)
 *       becomes empty: both branches of a condition are read;
 *   <li>a line that holds only an output directive ({@code {{- toYaml .Values.securityContext |
 *       nindent 12 }}}, {@code {{- include "chart.labels" . | nindent 4 }}}) inserts content the
 *       scanner cannot see: it becomes a marker at the indentation it inserts at, which the
 *       reader drops while marking the enclosing map or list {@code templated};
 *   <li>a directive inside a line ({@code replicas: {{ .Values.replicas }}},
 *       {@code image: "{{ .Values.image }}"}) becomes a same-length {@code ${...}} reference that
 *       rules treat as a value decided at render time.
 * </ul>
 *
 * <p>What a template does at render time (loops, conditions, computed indentation) cannot be
 * known here; a file that is still not YAML afterwards is reported as skipped by its reader.
 */
public final class GoTemplates {
  private static final Pattern CONTROL = Pattern.compile(
      "(?s)\\s*(if|else|end|range|with|define|block|break|continue)\\b.*|\\s*/\\*.*"
          + "|\\s*\\$[A-Za-z0-9_]*\\s*:?=.*");
  private static final Pattern INDENT = Pattern.compile("\\b(n?)indent\\s+(\\d{1,3})\\b");

  private GoTemplates() {}

  /** Whether the text holds template directives (Go's or Jinja's). */
  public static boolean isTemplate(String text) {
    return text.contains("{{") || text.contains("{%");
  }

  /**
   * The text with every directive neutralised, as many lines as before.
   *
   * @param markInserts whether lines that insert content become markers (the default); without,
   *     they become empty lines, for the few files where a marker cannot sit
   */
  public static String neutralize(String text, boolean markInserts) {
    List<int[]> actions = actions(text);
    if (actions.isEmpty()) {
      return text;
    }
    int n = text.length();
    boolean[] inAction = new boolean[n];
    for (int[] a : actions) {
      for (int k = a[0]; k < a[1]; k++) {
        inAction[k] = true;
      }
    }
    // Per line: "only directives and spaces" lines, and the insert marker each one gets.
    String[] lines = text.split("\n", -1);
    int[] starts = new int[lines.length];
    for (int i = 1; i < lines.length; i++) {
      starts[i] = starts[i - 1] + lines[i - 1].length() + 1;
    }
    int[] marker = new int[lines.length];
    java.util.Arrays.fill(marker, -1);
    boolean[] directiveOnly = new boolean[lines.length];
    for (int i = 0; i < lines.length; i++) {
      directiveOnly[i] = directiveOnly(text, inAction, starts[i], starts[i] + lines[i].length());
    }
    for (int[] a : actions) {
      int first = lineOf(starts, a[0]);
      int last = lineOf(starts, Math.max(a[0], a[1] - 1));
      boolean alone = true;
      for (int l = first; l <= last; l++) {
        alone &= directiveOnly[l];
      }
      a[2] = alone ? 1 : 0;
      String body = body(text.substring(a[0] + 2, Math.max(a[0] + 2, a[1] - a[3])));
      if (alone && markInserts && a[4] == 0 && !CONTROL.matcher(body).matches()
          && marker[first] < 0) {
        // "nindent N" starts the content on a new line at column N; "indent N" adds N spaces
        // to the column the directive stands at.
        Matcher m = INDENT.matcher(body);
        int own = a[0] - starts[first];
        marker[first] = !m.find() ? own : m.group(1).isEmpty()
            ? own + Integer.parseInt(m.group(2)) : Integer.parseInt(m.group(2));
      }
    }
    StringBuilder out = new StringBuilder(n + 64);
    List<Integer> markerLines = new ArrayList<>();
    String[] emitted = new String[lines.length];
    for (int i = 0; i < lines.length; i++) {
      if (directiveOnly[i] && lineHasAction(inAction, starts[i], lines[i].length())) {
        emitted[i] = "";
        if (marker[i] >= 0) {
          markerLines.add(i);
        }
        continue;
      }
      emitted[i] = inline(text, actions, starts[i], starts[i] + lines[i].length());
    }
    for (int i : markerLines) {
      String pad = " ".repeat(Math.min(marker[i], 200));
      emitted[i] = pad + (listContext(emitted, i, marker[i]) ? "- " + YamlReader.TEMPLATE_INSERT
          : YamlReader.TEMPLATE_INSERT + ": 0");
    }
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(emitted[i]);
    }
    return out.toString();
  }

  /**
   * The directives: {start, end (exclusive), alone flag, length of the closing braces, kind}.
   * An unclosed <code>{{</code> runs to the end of the text. Jinja's statements
   * (<code>{% if x %}</code>, <code>{%- for %}</code>) and comments (<code>{# note #}</code>) are
   * control directives (kind 1) and count only when closed on the same or a later line, so
   * that a stray <code>{%</code> in a value is not read as one.
   */
  private static List<int[]> actions(String text) {
    List<int[]> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int open = nextOpening(text, i);
      if (open < 0) {
        return out;
      }
      char kind = text.charAt(open + 1);
      if (kind == '{') {
        int close = text.indexOf("}}", open + 2);
        int end = close < 0 ? text.length() : close + 2;
        out.add(new int[] {open, end, 0, close < 0 ? 0 : 2, 0});
        i = end;
        continue;
      }
      int close = text.indexOf(kind + "}", open + 2);
      if (close < 0) {
        i = open + 2;
        continue;
      }
      out.add(new int[] {open, close + 2, 0, 2, 1});
      i = close + 2;
    }
  }

  /** The next <code>{{</code>, <code>{%</code> or <code>{#</code> at or after {@code from}. */
  private static int nextOpening(String text, int from) {
    for (int k = text.indexOf('{', from); k >= 0 && k + 1 < text.length();
        k = text.indexOf('{', k + 1)) {
      char c = text.charAt(k + 1);
      if (c == '{' || c == '%' || c == '#') {
        return k;
      }
    }
    return -1;
  }

  /** The directive's content without the trim markers ({@code {{-} and {@code -}}}). */
  private static String body(String inner) {
    String b = inner;
    if (b.startsWith("-")) {
      b = b.substring(1);
    }
    if (b.endsWith("-")) {
      b = b.substring(0, b.length() - 1);
    }
    return b.strip();
  }

  private static boolean directiveOnly(String text, boolean[] inAction, int from, int to) {
    for (int k = from; k < to; k++) {
      char c = text.charAt(k);
      if (!inAction[k] && !Character.isWhitespace(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean lineHasAction(boolean[] inAction, int from, int length) {
    for (int k = from; k < from + length; k++) {
      if (inAction[k]) {
        return true;
      }
    }
    return false;
  }

  private static int lineOf(int[] starts, int offset) {
    int idx = java.util.Arrays.binarySearch(starts, offset);
    return idx >= 0 ? idx : -idx - 2;
  }

  /** A line with each directive on it replaced by a same-length {@code ${...}} reference. */
  private static String inline(String text, List<int[]> actions, int from, int to) {
    StringBuilder sb = new StringBuilder(text.substring(from, to));
    for (int[] a : actions) {
      int s = Math.max(a[0], from);
      int e = Math.min(a[1], to);
      if (s >= e) {
        continue;
      }
      for (int k = s; k < e; k++) {
        char c = text.charAt(k);
        sb.setCharAt(k - from, Character.isLetterOrDigit(c) || c == '.' || c == '-' ? c : '_');
      }
      if (s == a[0] && e - s >= 2) {
        sb.setCharAt(s - from, '$');
        sb.setCharAt(s - from + 1, '{');
      }
      if (e == a[1] && e - s >= 3) {
        sb.setCharAt(e - 1 - from, '}');
      }
    }
    return sb.toString();
  }

  /** Whether the insert at a line sits among sequence items at its indentation. */
  private static boolean listContext(String[] lines, int at, int indent) {
    for (int step : new int[] {-1, 1}) {
      for (int i = at + step; i >= 0 && i < lines.length; i += step) {
        String l = lines[i];
        String t = l.strip();
        if (t.isEmpty() || t.startsWith("#") || t.contains(YamlReader.TEMPLATE_INSERT)) {
          continue;
        }
        int ind = l.length() - l.stripLeading().length();
        if (ind < indent) {
          break;
        }
        if (ind == indent) {
          if (t.startsWith("- ") || t.equals("-")) {
            return true;
          }
          break;
        }
      }
    }
    return false;
  }
}
