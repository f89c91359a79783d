package dev.imprint.scan.secret;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code encryptedData} of Bitnami SealedSecrets in a file's text: ciphertext that
 * only the cluster's sealing controller can decrypt, written to be committed. The values under
 * those keys are named like secrets and look random, but they hold no secret.
 *
 * <p>Reads YAML (one document at a time, between {@code ---} lines), JSON (kubeseal's default
 * output) and one-line forms ({@code SealedSecret: "db": spec: encryptedData: ...} in CUE) as
 * text, so that it holds for every file the line-based detectors read. Only a document that
 * declares {@code kind: SealedSecret} counts: an {@code encryptedData} key elsewhere is data.
 */
final class SealedSecrets {
  private static final Pattern KIND = Pattern.compile(
      "[\"']?kind[\"']?\\s*:\\s*[\"']?SealedSecret\\b|\\bSealedSecret\\s*:");
  private static final Pattern ENCRYPTED_DATA =
      Pattern.compile("([\"']?)encryptedData\\1\\s*:");

  private SealedSecrets() {}

  /** The offset ranges {@code [start, end)} of the text that hold sealed ciphertext. */
  static List<int[]> ciphertext(String text) {
    List<int[]> out = new ArrayList<>();
    if (!text.contains("SealedSecret") || !text.contains("encryptedData")) {
      return out;
    }
    List<int[]> lines = lines(text);
    int docStart = 0;
    for (int i = 0; i <= lines.size(); i++) {
      if (i == lines.size() || text.startsWith("---", lines.get(i)[0])) {
        document(text, lines, docStart, i, out);
        docStart = i + 1;
      }
    }
    return out;
  }

  /** Whether an offset lies in one of the ranges. */
  static boolean inside(List<int[]> ranges, int offset) {
    for (int[] r : ranges) {
      if (offset >= r[0] && offset < r[1]) {
        return true;
      }
    }
    return false;
  }

  private static void document(String text, List<int[]> lines, int from, int to,
      List<int[]> out) {
    boolean sealed = false;
    for (int i = from; i < to && !sealed; i++) {
      sealed = KIND.matcher(text).region(lines.get(i)[0], lines.get(i)[1]).find();
    }
    if (!sealed) {
      return;
    }
    for (int i = from; i < to; i++) {
      int[] line = lines.get(i);
      Matcher m = ENCRYPTED_DATA.matcher(text).region(line[0], line[1]);
      if (!m.find()) {
        continue;
      }
      int rest = skipBlanks(text, m.end(), line[1]);
      if (rest < line[1] && text.charAt(rest) == '{') {
        out.add(new int[] {m.end(), objectEnd(text, rest)});
      } else if (rest < line[1] && text.charAt(rest) != '#') {
        out.add(new int[] {m.end(), line[1]});
      } else {
        int indent = indent(text, line);
        int j = i + 1;
        while (j < to && (blank(text, lines.get(j)) || indent(text, lines.get(j)) > indent)) {
          j++;
        }
        if (j > i + 1) {
          out.add(new int[] {lines.get(i + 1)[0], lines.get(j - 1)[1]});
        }
        i = j - 1;
      }
    }
  }

  /** The offset after the {@code }} that closes the object opened at {@code open}. */
  private static int objectEnd(String text, int open) {
    int depth = 0;
    boolean string = false;
    for (int k = open; k < text.length(); k++) {
      char c = text.charAt(k);
      if (string) {
        if (c == '\\') {
          k++;
        } else if (c == '"') {
          string = false;
        }
      } else if (c == '"') {
        string = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return k + 1;
      }
    }
    return text.length();
  }

  private static List<int[]> lines(String text) {
    List<int[]> out = new ArrayList<>();
    int start = 0;
    while (start <= text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      out.add(new int[] {start, end});
      if (nl < 0) {
        break;
      }
      start = nl + 1;
    }
    return out;
  }

  private static int skipBlanks(String text, int from, int to) {
    int k = from;
    while (k < to && Character.isWhitespace(text.charAt(k))) {
      k++;
    }
    return k;
  }

  private static int indent(String text, int[] line) {
    return skipBlanks(text, line[0], line[1]) - line[0];
  }

  private static boolean blank(String text, int[] line) {
    return skipBlanks(text, line[0], line[1]) == line[1];
  }
}
