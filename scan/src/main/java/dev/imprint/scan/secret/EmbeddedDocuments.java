package dev.imprint.scan.secret;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files carried inside another file. In YAML, a block scalar: a ConfigMap's or Secret's
 * {@code realm.json: |} or {@code application.properties: |}, a Helm value holding a file
 * ({@code configuration: {realm.json: |}}), or a block that is a JSON document under any key
 * ({@code realm: |} followed by <code>{</code>). In YAML and {@code .env} files, a value on
 * one line: a JSON object, quoted or not ({@code REALM: '{"realm": ...}'}, a compose
 * {@code environment:} item {@code - REALM={"realm": ...}}, {@code REALM='{...}'} in
 * {@code .env}), or base64 of a file (a Secret's {@code data: realm.json: ewog...}), decoded
 * when it is valid base64 of at most 1 MiB of text. Each is read as a file of its own, named by
 * its key (a JSON object under a key with no file extension is named {@code KEY.json}), so
 * that every detector that reads a file kind sees the same document embedded as on its own;
 * offsets map back to the host, so a finding points at its line there (a base64 value's
 * findings at the value's line).
 */
final class EmbeddedDocuments {
  /** A key line opening a literal or folded block: {@code key: |}, {@code "k.json": >-}. */
  private static final Pattern BLOCK_KEY = Pattern.compile(
      "(?<indent>[ ]{0,80}(?:-[ ]{1,10})?)(?<q>[\"']?)(?<key>[A-Za-z0-9_.\\-]{1,120})\\k<q>"
          + "[ \\t]{0,20}:[ \\t]{1,20}[|>][1-9+\\-]{0,2}[ \\t]*(?:#[^\\r\\n]*)?\\r?");
  /**
   * A key on one line bound to a value: YAML's {@code key: value} (also a list item), an
   * environment entry's {@code KEY=value} ({@code .env}, a compose {@code - KEY=value}).
   */
  private static final Pattern PAIR = Pattern.compile(
      "[ \\t]{0,80}(?:-[ \\t]{1,10})?(?:export[ \\t]{1,10})?(?<q>[\"']?)"
          + "(?<key>[A-Za-z_][A-Za-z0-9_.\\-]{0,120})\\k<q>(?:[ \\t]{0,20}:[ \\t]{1,20}|=)"
          + "(?<value>[^\\r\\n]*?)[ \\t]*\\r?");
  /** A YAML list item quoted whole: a compose {@code - "KEY=value"}. */
  private static final Pattern QUOTED_ITEM = Pattern.compile(
      "[ \\t]{0,80}-[ \\t]{1,10}(?<iq>[\"'])(?<key>[A-Za-z_][A-Za-z0-9_.\\-]{0,120})="
          + "(?<value>[^\\r\\n]*)\\k<iq>[ \\t]*\\r?");
  /** Standard base64 long enough to hold a file. */
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");
  /** Longest line read for a value on one line: a realm export written on one line fits. */
  private static final int MAX_INLINE = 1 << 20;

  /**
   * One embedded file: its name and text, where each of its offsets is in the host, and how it
   * was carried ({@code ""}, or {@code ", base64"}).
   */
  record Document(String name, String text, IntUnaryOperator host, String how) {
    /** The host offset of an offset into {@link #text}. */
    int onHost(int offset) {
      return host.applyAsInt(Math.max(0, Math.min(offset, text.length() - 1)));
    }
  }

  private EmbeddedDocuments() {}

  /** Whether a file of this (lower-case) name is YAML, whose block scalars may carry files. */
  static boolean yaml(String lowerName) {
    return lowerName.endsWith(".yaml") || lowerName.endsWith(".yml");
  }

  /**
   * Whether a file of this (lower-case) name may carry files: YAML, or an env file that is
   * configuration ({@code .env}, {@code .env.production}, {@code app.env}; not
   * {@code .env.example}).
   */
  static boolean hosts(String lowerName) {
    return yaml(lowerName) || "env".equals(ConfigFileDetector.kind(lowerName));
  }

  /**
   * The files embedded in a YAML or env text whose name {@code readable} accepts (a detector
   * reads that file kind), in order; block scalars only in YAML.
   */
  static List<Document> in(String text, boolean yaml, Predicate<String> readable) {
    List<Document> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      Matcher m = yaml && end - start <= 512 && blockIndicator(text, start, end)
          ? BLOCK_KEY.matcher(text).region(start, end) : null;
      if (m != null && m.matches()) {
        Document doc = block(text, end + 1, m.end("indent") - start,
            m.group("key").toLowerCase(Locale.ROOT), readable);
        if (doc != null) {
          out.add(doc);
        }
      } else if (end - start <= MAX_INLINE) {
        Document doc = inline(text, start, end, readable);
        if (doc != null) {
          out.add(doc);
        }
      }
      start = end + 1;
    }
    return out;
  }

  /**
   * A file carried by the value on one line: a JSON object, or base64 of a file; null when the
   * line holds neither.
   */
  private static Document inline(String text, int from, int to, Predicate<String> readable) {
    if (!candidate(text, from, to)) {
      return null;
    }
    Matcher m = QUOTED_ITEM.matcher(text).region(from, to);
    char quote = 0;
    if (m.matches()) {
      quote = text.charAt(m.start("iq"));
    } else {
      m = PAIR.matcher(text).region(from, to);
      if (!m.matches() || text.startsWith("\"", m.start("q"))) {
        // A JSON member ("config": {...}) is read with the JSON document that holds it.
        return null;
      }
    }
    if (!valueMayCarry(text, m.start("value"), m.end("value"))) {
      return null;
    }
    Piece value = Piece.of(text, m.start("value"), m.end("value"), quote).unquoted();
    String key = m.group("key").toLowerCase(Locale.ROOT);
    String v = value.text.strip();
    if (jsonObject(v)) {
      String name = named(key, readable);
      return name == null ? null : new Document(name, value.text, value::host, "");
    }
    if (BASE64.matcher(v).matches() && (v.charAt(0) == 'e' || readable.test(key))) {
      String decoded = Encoded.text(v);
      String name = decoded == null ? null : readable.test(key) ? key
          : decoded.strip().startsWith("{") ? named(key, readable) : null;
      if (name == null) {
        return null;
      }
      int first = value.text.indexOf(v);
      int last = first + v.length() - 1;
      // The bytes of a decoded character sit about 4/3 as far into the base64 text.
      return new Document(name, decoded,
          i -> value.host(Math.min(last, first + (int) ((long) i * 4 / 3))), ", base64");
    }
    return null;
  }

  /**
   * Whether a line may carry a file, before any pattern runs: it holds a <code>{</code> or a
   * run of 16 base64 characters.
   */
  private static boolean candidate(String text, int from, int to) {
    int run = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '{') {
        return true;
      }
      run = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+'
          || c == '/' ? run + 1 : 0;
      if (run >= 16) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a value, perhaps quoted, starts as a JSON object or as base64 does; a template's
   * <code>{{</code> does not.
   */
  private static boolean valueMayCarry(String text, int from, int to) {
    int at = from < to && (text.charAt(from) == '\'' || text.charAt(from) == '"') ? from + 1
        : from;
    if (at >= to) {
      return false;
    }
    char c = text.charAt(at);
    return c == '{' ? at + 1 < to && text.charAt(at + 1) != '{'
        : c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+'
            || c == '/';
  }

  /**
   * Whether a value is a JSON object with members: <code>{</code>, then a quoted name, to the
   * closing <code>}</code>; a template's <code>{{ x }}</code> is none.
   */
  private static boolean jsonObject(String v) {
    if (v.length() < 4 || v.charAt(0) != '{' || v.charAt(v.length() - 1) != '}') {
      return false;
    }
    for (int i = 1; i < v.length(); i++) {
      if (!Character.isWhitespace(v.charAt(i))) {
        return v.charAt(i) == '"';
      }
    }
    return false;
  }

  /** The name a document under {@code key} is read as, or null when no detector reads it. */
  private static String named(String key, Predicate<String> readable) {
    return readable.test(key) ? key : readable.test(key + ".json") ? key + ".json" : null;
  }

  /**
   * Text taken from the host with its quoting removed, and the host offset of each of its
   * characters.
   */
  private static final class Piece {
    final String text;
    final int[] at;

    private Piece(String text, int[] at) {
      this.text = text;
      this.at = at;
    }

    /**
     * The host's text from {@code from} to {@code to}; inside a {@code quote} (a quoted list
     * item) its escapes are undone.
     */
    static Piece of(String host, int from, int to, char quote) {
      return quote == 0 ? plain(host, from, to) : unescape(host, from, to, quote);
    }

    private static Piece plain(String host, int from, int to) {
      int[] at = new int[to - from];
      for (int i = 0; i < at.length; i++) {
        at[i] = from + i;
      }
      return new Piece(host.substring(from, to), at);
    }

    /**
     * The text inside a YAML or shell quote: {@code ''} is a quote in single quotes, a
     * backslash escapes the next character in double quotes ({@code \n} and {@code \t} are
     * a newline and a tab).
     */
    private static Piece unescape(String host, int from, int to, char quote) {
      StringBuilder out = new StringBuilder(to - from);
      int[] at = new int[to - from];
      int n = 0;
      for (int i = from; i < to; i++) {
        char c = host.charAt(i);
        int where = i;
        if (quote == '\'' && c == '\'' && i + 1 < to && host.charAt(i + 1) == '\'') {
          i++;
        } else if (quote == '"' && c == '\\' && i + 1 < to) {
          char e = host.charAt(++i);
          c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
        }
        out.append(c);
        at[n++] = where;
      }
      return new Piece(out.toString(), Arrays.copyOf(at, n));
    }

    /** This text without the quotes around it, when it is quoted whole. */
    Piece unquoted() {
      int n = text.length();
      if (n >= 2 && (text.charAt(0) == '"' || text.charAt(0) == '\'')
          && text.charAt(n - 1) == text.charAt(0)) {
        Piece inner = unescape(text, 1, n - 1, text.charAt(0));
        int[] hostAt = new int[inner.at.length];
        for (int i = 0; i < hostAt.length; i++) {
          hostAt[i] = at[inner.at[i]];
        }
        return new Piece(inner.text, hostAt);
      }
      return this;
    }

    int host(int offset) {
      return at.length == 0 ? 0 : at[Math.max(0, Math.min(offset, at.length - 1))];
    }
  }

  /** Whether a line holds {@code |} or {@code >}: most lines are not looked at further. */
  private static boolean blockIndicator(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == '|' || c == '>') {
        return true;
      }
    }
    return false;
  }

  /**
   * The block that starts at {@code from}: the lines indented deeper than its key (blank lines
   * included), with the first line's indentation removed; null when it is no file a detector
   * reads.
   */
  private static Document block(String text, int from, int keyIndent, String key,
      Predicate<String> readable) {
    List<int[]> lines = new ArrayList<>();
    int indent = -1;
    int start = from;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      int spaces = 0;
      while (start + spaces < end && text.charAt(start + spaces) == ' ') {
        spaces++;
      }
      boolean blank = text.substring(start + spaces, end).isBlank();
      if (!blank && spaces <= keyIndent) {
        break;
      }
      if (!blank && indent < 0) {
        indent = spaces;
      }
      lines.add(new int[] {start, end, spaces});
      start = end + 1;
    }
    if (indent < 0) {
      return null;
    }
    StringBuilder content = new StringBuilder();
    int[] lineStarts = new int[lines.size()];
    int[] hostStarts = new int[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      int[] l = lines.get(i);
      int cut = Math.min(indent, l[2]);
      lineStarts[i] = content.length();
      hostStarts[i] = l[0] + cut;
      content.append(text, l[0] + cut, l[1]).append('\n');
    }
    String body = content.toString();
    String name = readable.test(key) ? key
        : body.stripLeading().startsWith("{") ? named(key, readable) : null;
    return name == null ? null : new Document(name, body, offset -> {
      int i = Arrays.binarySearch(lineStarts, offset);
      int line = i >= 0 ? i : -i - 2;
      return hostStarts[line] + offset - lineStarts[line];
    }, "");
  }
}
