package dev.imprint.server.console;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server-side SVG drawings: the chain of one identity (code, identity, image digests, grants
 * and their use) and counts per day. The SVG is built from escaped text only, carries a title
 * and a description for screen readers, and uses the console's palette (contrast checked).
 */
final class Drawings {
  private static final int BOX_W = 220;
  private static final int BOX_H = 44;
  private static final int GAP_X = 60;
  private static final int GAP_Y = 14;

  /** A box of the chain: its text, a second line, and where it links to (null: nowhere). */
  record Node(String label, String detail, String href, String tone) {}

  private Drawings() {}

  /**
   * The chain of an identity in four columns: the code that defines it, the identity, the
   * images that carry it, the grants that name it. Each code entry is joined to the identity,
   * the identity to each image, and each image to each grant (the grants follow whichever
   * image the workload runs).
   */
  static String chain(String title, List<Node> code, Node identity, List<Node> images,
      List<Node> grants) {
    List<List<Node>> cols = List.of(code, List.of(identity), images, grants);
    String[] heads = {"Code", "Identity", "Images", "Grants and use"};
    int rows = cols.stream().mapToInt(List::size).max().orElse(1);
    rows = Math.max(rows, 1);
    int width = 4 * BOX_W + 3 * GAP_X + 20;
    int height = 40 + rows * (BOX_H + GAP_Y) + 10;
    StringBuilder s = open(width, height, title, "Chain of " + identity.label() + ": "
        + code.size() + " code entries, " + images.size() + " images, " + grants.size()
        + " grants");
    for (int c = 0; c < 4; c++) {
      s.append(text(10 + c * (BOX_W + GAP_X), 22, heads[c], "head"));
    }
    for (int c = 0; c < 3; c++) {
      List<Node> from = cols.get(c);
      List<Node> to = cols.get(c + 1);
      for (int i = 0; i < from.size(); i++) {
        for (int j = 0; j < to.size(); j++) {
          int x1 = 10 + c * (BOX_W + GAP_X) + BOX_W;
          int x2 = 10 + (c + 1) * (BOX_W + GAP_X);
          s.append(String.format(Locale.ROOT, "<line class=\"edge\" x1=\"%d\" y1=\"%d\""
              + " x2=\"%d\" y2=\"%d\"/>", x1, y(i) + BOX_H / 2, x2, y(j) + BOX_H / 2));
        }
      }
    }
    for (int c = 0; c < 4; c++) {
      List<Node> col = cols.get(c);
      if (col.isEmpty()) {
        s.append(text(10 + c * (BOX_W + GAP_X), y(0) + 26, "none recorded", "muted"));
      }
      for (int i = 0; i < col.size(); i++) {
        s.append(box(10 + c * (BOX_W + GAP_X), y(i), col.get(i)));
      }
    }
    return s.append("</svg>").toString();
  }

  /** A bar per day from {@code from} to {@code to} inclusive (days absent count zero). */
  static String perDay(String title, String what, Map<LocalDate, Long> counts, LocalDate from,
      LocalDate to) {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      days.add(d);
    }
    long max = Math.max(1, counts.values().stream().mapToLong(Long::longValue).max().orElse(1));
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    int barW = 14;
    int plotH = 120;
    int width = 50 + days.size() * (barW + 4);
    int height = plotH + 60;
    StringBuilder s = open(width, height, title, total + " " + what + " from " + from + " to "
        + to + "; busiest day " + max);
    s.append(text(4, 16, max + "", "muted"));
    s.append(text(4, plotH + 20, "0", "muted"));
    s.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"40\" y1=\"%d\" x2=\"%d\""
        + " y2=\"%d\"/>", plotH + 20, width - 4, plotH + 20));
    for (int i = 0; i < days.size(); i++) {
      long n = counts.getOrDefault(days.get(i), 0L);
      int h = (int) Math.round((double) n * plotH / max);
      int x = 44 + i * (barW + 4);
      s.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\""
          + " height=\"%d\"><title>%s: %d %s</title></rect>", x, plotH + 20 - h, barW, h,
          days.get(i), n, esc(what)));
    }
    s.append(text(44, plotH + 40, from.toString(), "muted"));
    s.append(text(Math.max(44, width - 90), plotH + 40, to.toString(), "muted"));
    return s.append("</svg>").toString();
  }

  /** Counts as a map keyed by day, for {@link #perDay}. */
  static Map<LocalDate, Long> byDay(List<EstateReads.DayCount> counts) {
    Map<LocalDate, Long> m = new TreeMap<>();
    counts.forEach(d -> m.put(d.day(), d.count()));
    return m;
  }

  private static int y(int row) {
    return 34 + row * (BOX_H + GAP_Y);
  }

  private static StringBuilder open(int width, int height, String title, String desc) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\""
        + " class=\"drawing\" role=\"img\" aria-labelledby=\"t-%1$d d-%1$d\" width=\"%2$d\""
        + " height=\"%3$d\" viewBox=\"0 0 %2$d %3$d\">", Math.abs(title.hashCode()), width,
        height));
    s.append(String.format(Locale.ROOT, "<title id=\"t-%d\">%s</title><desc id=\"d-%d\">%s"
        + "</desc>", Math.abs(title.hashCode()), esc(title), Math.abs(title.hashCode()),
        esc(desc)));
    return s;
  }

  private static String box(int x, int y, Node n) {
    String inner = String.format(Locale.ROOT, "<rect class=\"node %s\" x=\"%d\" y=\"%d\""
        + " width=\"%d\" height=\"%d\" rx=\"4\"/>", n.tone(), x, y, BOX_W, BOX_H)
        + text(x + 8, y + 18, clip(n.label()), "label")
        + text(x + 8, y + 36, clip(n.detail()), "detail");
    return n.href() == null ? "<g>" + inner + "</g>"
        : "<a href=\"" + esc(n.href()) + "\">" + inner + "</a>";
  }

  private static String text(int x, int y, String t, String cls) {
    return String.format(Locale.ROOT, "<text class=\"%s\" x=\"%d\" y=\"%d\">%s</text>", cls, x,
        y, esc(t));
  }

  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 32 ? s : s.substring(0, 14) + "\u2026" + s.substring(s.length() - 16);
  }

  /** Escapes text for XML content and attribute values. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
