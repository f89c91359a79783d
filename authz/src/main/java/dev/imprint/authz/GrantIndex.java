package dev.imprint.authz;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The decision index: the rules of a policy by the pair (subject key, resource key), as
 * docs/authz.md describes the keys, in one open-addressing table of the pairs' hashes, with a
 * second, smaller table of the subject keys alone. Every key a request can match is a prefix of
 * its subject or of its resource text, so a request's key hashes are computed over those strings
 * (equal to the key strings' own hash codes) without building the keys; a probe touches two
 * compact arrays, and only a pair that is present is compared as text. Immutable.
 */
final class GrantIndex {
  private static final String DB_PREFIX = "db:postgres://";

  /** The rules under one pair of keys. */
  private record Bucket(String subject, String resource, CompiledGrant[] grants) {}

  private final int[] subjects;
  private final boolean[] subjectUsed;
  private final long[] pairHashes;
  private final Bucket[] pairs;

  /** An index of {@code byPair}: subject key to resource key to the rules under both. */
  GrantIndex(Map<String, Map<String, List<CompiledGrant>>> byPair) {
    int count = 0;
    for (Map<String, List<CompiledGrant>> m : byPair.values()) {
      count += m.size();
    }
    int subjectSize = tableSize(byPair.size());
    subjects = new int[subjectSize];
    subjectUsed = new boolean[subjectSize];
    int pairSize = tableSize(count);
    pairHashes = new long[pairSize];
    pairs = new Bucket[pairSize];
    byPair.forEach((subject, byResource) -> {
      addSubject(subject.hashCode());
      byResource.forEach((resource, grants) -> {
        long h = pair(subject.hashCode(), resource.hashCode());
        int i = slot(h, pairs.length);
        while (pairs[i] != null) {
          i = (i + 1) & (pairs.length - 1);
        }
        pairHashes[i] = h;
        pairs[i] = new Bucket(subject, resource, grants.toArray(new CompiledGrant[0]));
      });
    });
  }

  /** A power of two at least twice {@code n}, so probes end quickly at an empty slot. */
  private static int tableSize(int n) {
    int size = 4;
    while (size < n * 2) {
      size <<= 1;
    }
    return size;
  }

  private void addSubject(int h) {
    int i = slot(h, subjects.length);
    while (subjectUsed[i]) {
      if (subjects[i] == h) {
        return;
      }
      i = (i + 1) & (subjects.length - 1);
    }
    subjectUsed[i] = true;
    subjects[i] = h;
  }

  private boolean hasSubject(int h) {
    int i = slot(h, subjects.length);
    while (subjectUsed[i]) {
      if (subjects[i] == h) {
        return true;
      }
      i = (i + 1) & (subjects.length - 1);
    }
    return false;
  }

  private static long pair(int subjectHash, int resourceHash) {
    return (long) subjectHash << 32 | resourceHash & 0xffffffffL;
  }

  private static int slot(long h, int size) {
    long x = h * 0x9E3779B97F4A7C15L;
    return (int) (x >>> 40) & (size - 1);
  }

  /** The hash code of {@code s.substring(0, len)}, computed without making it. */
  private static int hash(String s, int len) {
    int h = 0;
    for (int i = 0; i < len; i++) {
      h = 31 * h + s.charAt(i);
    }
    return h;
  }

  /**
   * Calls {@code sink} with every rule whose subject key and resource key match the request: its
   * subject's own ID and each prefix of it ending in '/', then for each of those the request
   * resource's own key and its prefix keys (a rule under a prefix key only when its resource is a
   * pattern).
   */
  void candidates(ParsedRequest r, Consumer<CompiledGrant> sink) {
    String s = r.subject;
    int first = s.indexOf('/', Syntax.SCHEME.length());
    int[] lengths = null;
    int[] hashes = null;
    for (int end = s.length(); end > first; end = s.lastIndexOf('/', end - 2) + 1) {
      int sh = hash(s, end);
      if (!hasSubject(sh)) {
        continue;
      }
      if (lengths == null) {
        lengths = resourceKeyLengths(r.resource);
        hashes = new int[lengths.length];
        for (int k = 0; k < lengths.length; k++) {
          hashes[k] = hash(r.resource.text(), lengths[k]);
        }
      }
      for (int k = 0; k < lengths.length; k++) {
        visit(s, end, r.resource.text(), lengths[k], pair(sh, hashes[k]), k == 0, sink);
      }
    }
  }

  private void visit(String subject, int subjectLength, String resource, int resourceLength,
      long h, boolean own, Consumer<CompiledGrant> sink) {
    int i = slot(h, pairs.length);
    for (Bucket b = pairs[i]; b != null; b = pairs[i]) {
      if (pairHashes[i] == h && b.subject.length() == subjectLength
          && b.resource.length() == resourceLength && subject.startsWith(b.subject)
          && resource.startsWith(b.resource)) {
        for (CompiledGrant g : b.grants) {
          // under a prefix key only patterns match; the resource's own key holds exact grants
          if (own || g.prefixResource) {
            sink.accept(g);
          }
        }
      }
      i = (i + 1) & (pairs.length - 1);
    }
  }

  /**
   * The lengths of the keys a concrete resource can be indexed under, each a prefix of its text:
   * its own key first, then its prefix keys, as {@link Resources#candidateKeys} lists them.
   */
  static int[] resourceKeyLengths(ResourcePattern r) {
    String text = r.text();
    if (r instanceof NetResource n) {
      return targetKeyLengths(n.target().text(), "net:".length());
    }
    if (r instanceof HttpResource h) {
      return targetKeyLengths(h.target().text(), "http:".length());
    }
    if (r instanceof DbResource d) {
      int server = text.indexOf('/', DB_PREFIX.length()) + 1;
      return d.schema() == null ? new int[] {text.length(), server}
          : new int[] {text.length(), text.indexOf('/', server) + 1, server};
    }
    int type = r.type().length();
    int count = 2;
    for (int i = type + 1; i < text.length(); i++) {
      if (text.charAt(i) == '/') {
        count++;
      }
    }
    int[] out = new int[count];
    out[0] = text.length();
    int k = 1;
    for (int i = text.length() - 1; i > type; i--) {
      if (text.charAt(i) == '/') {
        out[k++] = i + 1;
      }
    }
    out[k] = type + 1;
    return out;
  }

  /** The target's own ID and each prefix of it ending in '/', after {@code offset}. */
  private static int[] targetKeyLengths(String id, int offset) {
    int first = id.indexOf('/', Syntax.SCHEME.length());
    int count = 1;
    for (int i = first; i < id.length(); i++) {
      if (id.charAt(i) == '/') {
        count++;
      }
    }
    int[] out = new int[count];
    out[0] = offset + id.length();
    int k = 1;
    for (int i = id.length() - 1; i >= first; i--) {
      if (id.charAt(i) == '/') {
        out[k++] = offset + i + 1;
      }
    }
    return out;
  }
}
