package dev.imprint.scan.packer;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds where values start in HCL source, which the shared reader's model does not keep: the
 * value of an attribute, and the items of a tuple or the values of an object. It only skips
 * over text (strings with interpolations, heredocs, comments, brackets), so it is linear and
 * never fails; it answers -1 or an empty list when the text is not what it expected.
 */
final class HclPositions {
  private static final int MAX_ITEMS = 1 << 20;
  private final String src;
  private final int[] lineStarts;

  HclPositions(String src) {
    this.src = src;
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < src.length(); i++) {
      if (src.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The offset of a 1-based line and column, or -1. */
  int offset(int line, int column) {
    if (line < 1 || line > lineStarts.length || column < 1) {
      return -1;
    }
    int o = lineStarts[line - 1] + column - 1;
    return o <= src.length() ? o : -1;
  }

  int line(int offset) {
    int idx = java.util.Arrays.binarySearch(lineStarts, offset);
    return (idx >= 0 ? idx : -idx - 2) + 1;
  }

  int column(int offset) {
    return offset - lineStarts[line(offset) - 1] + 1;
  }

  /** Where the value of the attribute whose name starts at {@code nameStart} begins, or -1. */
  int attributeValue(int nameStart) {
    if (nameStart < 0) {
      return -1;
    }
    int i = nameStart;
    while (i < src.length() && src.charAt(i) != '=' && src.charAt(i) != '\n') {
      i++;
    }
    if (i >= src.length() || src.charAt(i) != '=') {
      return -1;
    }
    return skipBlanks(i + 1, false);
  }

  /**
   * The start offsets of the items of the tuple ({@code [}) or of the values of the object
   * ({@code {}) that opens at {@code open}; empty when there is no bracket there.
   */
  List<Integer> members(int open) {
    List<Integer> out = new ArrayList<>();
    if (open < 0 || open >= src.length()) {
      return out;
    }
    char o = src.charAt(open);
    if (o != '[' && o != '{') {
      return out;
    }
    boolean object = o == '{';
    char close = object ? '}' : ']';
    int i = open + 1;
    boolean expectItem = !object;
    while (out.size() < MAX_ITEMS) {
      i = skipBlanks(i, true);
      if (i >= src.length()) {
        return List.of();
      }
      char c = src.charAt(i);
      if (c == close) {
        return out;
      }
      if (c == ',') {
        expectItem = !object;
        i++;
        continue;
      }
      if (object && (c == '=' || c == ':')) {
        out.add(skipBlanks(i + 1, false));
        i++;
        continue;
      }
      if (expectItem) {
        out.add(i);
        expectItem = false;
      }
      i = skipToken(i);
      if (i < 0) {
        return List.of();
      }
    }
    return List.of();
  }

  /** Skips one string, heredoc, bracketed group or other character; -1 at end of text. */
  private int skipToken(int i) {
    char c = src.charAt(i);
    if (c == '"') {
      return skipString(i, 0);
    }
    if (c == '<' && i + 1 < src.length() && src.charAt(i + 1) == '<') {
      return skipHeredoc(i);
    }
    if (c == '[' || c == '{' || c == '(') {
      return skipGroup(i);
    }
    return i + 1;
  }

  private int skipGroup(int open) {
    int level = 0;
    int i = open;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '"') {
        i = skipString(i, 0);
        if (i < 0) {
          return -1;
        }
        continue;
      }
      if (c == '#' || c == '/' && i + 1 < src.length()
          && (src.charAt(i + 1) == '/' || src.charAt(i + 1) == '*')) {
        i = skipBlanks(i, true);
        continue;
      }
      if (c == '[' || c == '{' || c == '(') {
        level++;
      } else if (c == ']' || c == '}' || c == ')') {
        level--;
        if (level == 0) {
          return i + 1;
        }
      }
      i++;
    }
    return -1;
  }

  /** Skips a quoted string whose quote is at {@code i}, with nested interpolations. */
  private int skipString(int start, int depth) {
    if (depth > 32) {
      return -1;
    }
    int i = start + 1;
    int braces = 0;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '\n' && braces == 0) {
        return -1;
      }
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (braces > 0) {
        if (c == '"') {
          i = skipString(i, depth + 1);
          if (i < 0) {
            return -1;
          }
          continue;
        }
        if (c == '{') {
          braces++;
        } else if (c == '}') {
          braces--;
        }
      } else if (c == '"') {
        return i + 1;
      } else if ((c == '$' || c == '%') && i + 1 < src.length() && src.charAt(i + 1) == '{') {
        braces = 1;
        i += 2;
        continue;
      }
      i++;
    }
    return -1;
  }

  private int skipHeredoc(int i) {
    int eol = src.indexOf('\n', i);
    if (eol < 0) {
      return -1;
    }
    String marker = src.substring(i + 2, eol).replace("-", "").trim();
    int p = eol + 1;
    while (p < src.length()) {
      int end = src.indexOf('\n', p);
      String line = src.substring(p, end < 0 ? src.length() : end);
      if (line.trim().equals(marker)) {
        return end < 0 ? src.length() : end;
      }
      if (end < 0) {
        return -1;
      }
      p = end + 1;
    }
    return -1;
  }

  /** Skips blanks and comments, and newlines too when {@code lines}. */
  private int skipBlanks(int i, boolean lines) {
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || lines && c == '\n') {
        i++;
      } else if (c == '#' || c == '/' && i + 1 < src.length() && src.charAt(i + 1) == '/') {
        while (i < src.length() && src.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < src.length() && src.charAt(i + 1) == '*') {
        int end = src.indexOf("*/", i + 2);
        i = end < 0 ? src.length() : end + 2;
      } else {
        break;
      }
    }
    return i;
  }
}
