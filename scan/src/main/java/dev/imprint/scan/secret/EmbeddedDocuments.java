package dev.imprint.scan.secret;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files carried whole in a YAML block scalar: a ConfigMap's or Secret's
 * {@code realm.json: |} or {@code application.properties: |}, a Helm value holding a file
 * ({@code configuration: {realm.json: |}}), or a block that is a JSON document under any key
 * ({@code realm: |} followed by <code>{</code>). Each is read as a file of its own, named by its
 * key (a JSON block under a key with no file extension is named {@code KEY.json}), so that every
 * detector that reads a file kind sees the same document embedded as on its own; offsets map
 * back to the manifest, so a finding points at its line there.
 */
final class EmbeddedDocuments {
  /** A key line opening a literal or folded block: {@code key: |}, {@code "k.json": >-}. */
  private static final Pattern BLOCK_KEY = Pattern.compile(
      "(?<indent>[ ]{0,80}(?:-[ ]{1,10})?)(?<q>[\"']?)(?<key>[A-Za-z0-9_.\\-]{1,120})\\k<q>"
          + "[ \\t]{0,20}:[ \\t]{1,20}[|>][1-9+\\-]{0,2}[ \\t]*(?:#[^\\r\\n]*)?\\r?");
  /** One embedded file: its name and text, and where each of its lines starts in the host. */
  record Document(String name, String text, int[] lineStarts, int[] hostStarts) {
    /** The host offset of an offset into {@link #text}. */
    int onHost(int offset) {
      int i = Arrays.binarySearch(lineStarts, offset);
      int line = i >= 0 ? i : -i - 2;
      return hostStarts[line] + offset - lineStarts[line];
    }
  }

  private EmbeddedDocuments() {}

  /** Whether a file of this (lower-case) name is YAML, whose block scalars may carry files. */
  static boolean yaml(String lowerName) {
    return lowerName.endsWith(".yaml") || lowerName.endsWith(".yml");
  }

  /**
   * The files embedded in a YAML text's block scalars whose name {@code readable} accepts
   * (a detector reads that file kind), in order.
   */
  static List<Document> in(String text, Predicate<String> readable) {
    List<Document> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      Matcher m = end - start <= 512 && blockIndicator(text, start, end)
          ? BLOCK_KEY.matcher(text).region(start, end) : null;
      if (m != null && m.matches()) {
        Document doc = block(text, end + 1, m.end("indent") - start,
            m.group("key").toLowerCase(Locale.ROOT), readable);
        if (doc != null) {
          out.add(doc);
        }
      }
      start = end + 1;
    }
    return out;
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
        : body.stripLeading().startsWith("{") && readable.test(key + ".json") ? key + ".json"
        : null;
    return name == null ? null : new Document(name, body, lineStarts, hostStarts);
  }
}
