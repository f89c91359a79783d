package dev.imprint.scan.secret;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Aho-Corasick automaton over the literal anchors of every detector, matched ASCII
 * case-insensitively: one pass over a text tells which anchors occur, so a text without any
 * anchor costs a single scan and no regular expression runs at all.
 */
final class AnchorIndex {
  private final List<Map<Character, Integer>> next = new ArrayList<>();
  private final List<BitSet> outputs = new ArrayList<>();
  private final int[] fail;
  private final List<String> anchors;

  AnchorIndex(List<String> anchors) {
    this.anchors = List.copyOf(anchors);
    newState();
    for (int a = 0; a < anchors.size(); a++) {
      int s = 0;
      for (char c : anchors.get(a).toCharArray()) {
        char l = lower(c);
        Integer t = next.get(s).get(l);
        if (t == null) {
          t = newState();
          next.get(s).put(l, t);
        }
        s = t;
      }
      outputs.get(s).set(a);
    }
    fail = new int[next.size()];
    ArrayDeque<Integer> queue = new ArrayDeque<>(next.get(0).values());
    while (!queue.isEmpty()) {
      int s = queue.poll();
      for (Map.Entry<Character, Integer> e : next.get(s).entrySet()) {
        int t = e.getValue();
        int f = fail[s];
        while (f != 0 && !next.get(f).containsKey(e.getKey())) {
          f = fail[f];
        }
        Integer g = next.get(f).get(e.getKey());
        fail[t] = g != null && g != t ? g : 0;
        outputs.get(t).or(outputs.get(fail[t]));
        queue.add(t);
      }
    }
  }

  private int newState() {
    next.add(new HashMap<>());
    outputs.add(new BitSet());
    return next.size() - 1;
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  /** The anchors found in the text (by index into the constructor's list). */
  BitSet scan(CharSequence text) {
    BitSet found = new BitSet(anchors.size());
    int s = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = lower(text.charAt(i));
      Integer t;
      while ((t = next.get(s).get(c)) == null && s != 0) {
        s = fail[s];
      }
      s = t == null ? 0 : t;
      BitSet out = outputs.get(s);
      if (!out.isEmpty()) {
        found.or(out);
      }
    }
    return found;
  }

  List<String> anchors() {
    return anchors;
  }
}
