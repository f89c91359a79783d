package dev.imprint.server.audit;

import dev.imprint.server.digest.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only RFC 9162 section 2.1 Merkle tree over leaf hashes, keeping every complete
 * aligned subtree hash so tree heads, inclusion paths and consistency proofs for any size cost
 * O(log n) hashes instead of rehashing every leaf. Thread-safe; appends are serialised.
 */
public final class MerkleTree {
  static final int HASH = 32;

  /** levels.get(k) holds the hashes of the complete subtrees of 2^k leaves, left to right. */
  private final List<Level> levels = new ArrayList<>();
  private long size;

  /** Appends a leaf hash (32 bytes, already {@code SHA-256(0x00 || entry)}). */
  public synchronized void append(byte[] leafHash) {
    if (leafHash.length != HASH) {
      throw new IllegalArgumentException("expected a 32-byte leaf hash, got " + leafHash.length);
    }
    byte[] h = leafHash.clone();
    int k = 0;
    while (true) {
      if (levels.size() == k) {
        levels.add(new Level());
      }
      Level level = levels.get(k);
      level.add(h);
      if ((level.count & 1) != 0) {
        break;
      }
      h = AuditLog.nodeHash(level.get(level.count - 2), level.get(level.count - 1));
      k++;
    }
    size++;
  }

  /** The number of leaves. */
  public synchronized long size() {
    return size;
  }

  /** The leaf hash at {@code index}. */
  public synchronized byte[] leaf(long index) {
    check(index >= 0 && index < size, "expected a leaf index below " + size + ", got " + index);
    return levels.get(0).get(index);
  }

  /** MTH(D[n]): the root of the first {@code n} leaves (RFC 9162 section 2.1.1). */
  public synchronized byte[] root(long n) {
    check(n >= 0 && n <= size, "expected a tree size from 0 to " + size + ", got " + n);
    if (n == 0) {
      return sha256Empty();
    }
    return hash(0, n);
  }

  /** PATH(m, D[n]): the inclusion proof of leaf {@code m} in the tree of size {@code n}. */
  public synchronized List<byte[]> inclusionProof(long m, long n) {
    check(n >= 1 && n <= size, "expected a tree size from 1 to " + size + ", got " + n);
    check(m >= 0 && m < n, "expected a leaf index from 0 to " + (n - 1) + ", got " + m);
    List<byte[]> out = new ArrayList<>();
    path(m, 0, n, out);
    return out;
  }

  /** PROOF(m, D[n]): the consistency proof between tree sizes {@code m} and {@code n}. */
  public synchronized List<byte[]> consistencyProof(long m, long n) {
    check(n >= 1 && n <= size, "expected a second tree size from 1 to " + size + ", got " + n);
    check(m >= 1 && m <= n, "expected a first tree size from 1 to " + n + ", got " + m);
    List<byte[]> out = new ArrayList<>();
    subproof(m, 0, n, true, out);
    return out;
  }

  private void path(long m, long start, long end, List<byte[]> out) {
    long n = end - start;
    if (n == 1) {
      return;
    }
    long k = splitPoint(n);
    if (m - start < k) {
      path(m, start, start + k, out);
      out.add(hash(start + k, end));
    } else {
      path(m, start + k, end, out);
      out.add(hash(start, start + k));
    }
  }

  private void subproof(long m, long start, long end, boolean whole, List<byte[]> out) {
    long n = end - start;
    if (m == n) {
      if (!whole) {
        out.add(hash(start, end));
      }
      return;
    }
    long k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, whole, out);
      out.add(hash(start + k, end));
    } else {
      subproof(m - k, start + k, end, false, out);
      out.add(hash(start, start + k));
    }
  }

  /** MTH(D[start:end]); every left subtree on the way is complete and aligned, so cached. */
  private byte[] hash(long start, long end) {
    long n = end - start;
    if (Long.bitCount(n) == 1 && start % n == 0) {
      return levels.get(Long.numberOfTrailingZeros(n)).get(start / n);
    }
    long k = splitPoint(n);
    return AuditLog.nodeHash(hash(start, start + k), hash(start + k, end));
  }

  /** The largest power of two smaller than {@code n} (n > 1). */
  static long splitPoint(long n) {
    return Long.highestOneBit(n - 1);
  }

  /**
   * Verifies an inclusion proof with the algorithm of RFC 9162 section 2.1.3.2.
   *
   * @return true when {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves
   *     whose root is {@code root}
   */
  public static boolean verifyInclusion(long index, long size, byte[] leafHash,
      List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= size) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = AuditLog.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = AuditLog.nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * Verifies a consistency proof with the algorithm of RFC 9162 section 2.1.4.2. Equal sizes
   * need an empty proof and equal roots; a first size of 0 is refused.
   */
  public static boolean verifyConsistency(long first, long second, byte[] firstRoot,
      byte[] secondRoot, List<byte[]> proof) {
    if (first < 1 || first > second) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(proof);
    if (Long.bitCount(first) == 1) {
      path.add(0, firstRoot);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = AuditLog.nodeHash(c, fr);
        sr = AuditLog.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = AuditLog.nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, firstRoot)
        && MessageDigest.isEqual(sr, secondRoot);
  }

  private static byte[] sha256Empty() {
    return Sha256.of(new byte[0]);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A growable array of 32-byte hashes in one flat byte array. */
  private static final class Level {
    private byte[] data = new byte[HASH * 16];
    private long count;

    void add(byte[] h) {
      long needed = (count + 1) * HASH;
      if (needed > data.length) {
        long grown = Math.max(needed, (long) data.length * 2);
        check(grown <= Integer.MAX_VALUE - 8, "the in-memory tree is full at " + count + " nodes");
        data = Arrays.copyOf(data, (int) grown);
      }
      System.arraycopy(h, 0, data, (int) (count * HASH), HASH);
      count++;
    }

    byte[] get(long i) {
      int from = (int) (i * HASH);
      return Arrays.copyOfRange(data, from, from + HASH);
    }
  }
}
