package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final int MAX = 70;

  /** RFC 9162 section 2.1, written straight from the recursive definitions. */
  static final class Reference {
    static byte[] mth(List<byte[]> d) {
      int n = d.size();
      if (n == 0) {
        return sha(new byte[0]);
      }
      if (n == 1) {
        return AuditLog.leafHash(d.get(0));
      }
      int k = Integer.highestOneBit(n - 1);
      return AuditLog.nodeHash(mth(d.subList(0, k)), mth(d.subList(k, n)));
    }

    static List<byte[]> path(int m, List<byte[]> d) {
      int n = d.size();
      List<byte[]> out = new ArrayList<>();
      if (n == 1) {
        return out;
      }
      int k = Integer.highestOneBit(n - 1);
      if (m < k) {
        out.addAll(path(m, d.subList(0, k)));
        out.add(mth(d.subList(k, n)));
      } else {
        out.addAll(path(m - k, d.subList(k, n)));
        out.add(mth(d.subList(0, k)));
      }
      return out;
    }

    static List<byte[]> proof(int m, List<byte[]> d) {
      return subproof(m, d, true);
    }

    static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
      int n = d.size();
      List<byte[]> out = new ArrayList<>();
      if (m == n) {
        if (!b) {
          out.add(mth(d));
        }
        return out;
      }
      int k = Integer.highestOneBit(n - 1);
      if (m <= k) {
        out.addAll(subproof(m, d.subList(0, k), b));
        out.add(mth(d.subList(k, n)));
      } else {
        out.addAll(subproof(m - k, d.subList(k, n), false));
        out.add(mth(d.subList(0, k)));
      }
      return out;
    }
  }

  private static final List<byte[]> ENTRIES = entries(MAX);
  private static final MerkleTree TREE = tree(ENTRIES);

  @Test
  void rootsMatchTheReferenceForEverySize() {
    for (int n = 0; n <= MAX; n++) {
      assertThat(hex(TREE.root(n))).as("n=%d", n)
          .isEqualTo(hex(Reference.mth(ENTRIES.subList(0, n))));
    }
    assertThat(hex(TREE.root(0)))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void inclusionProofsMatchTheReferenceAndVerifyForEveryLeafOfEverySize() {
    for (int n = 1; n <= MAX; n++) {
      List<byte[]> d = ENTRIES.subList(0, n);
      byte[] root = TREE.root(n);
      for (int m = 0; m < n; m++) {
        List<byte[]> proof = TREE.inclusionProof(m, n);
        assertThat(hexes(proof)).as("m=%d n=%d", m, n).isEqualTo(hexes(Reference.path(m, d)));
        assertThat(MerkleTree.verifyInclusion(m, n, TREE.leaf(m), proof, root)).isTrue();
      }
    }
  }

  @Test
  void consistencyProofsMatchTheReferenceAndVerifyForEveryPairOfSizes() {
    for (int n = 1; n <= MAX; n++) {
      List<byte[]> d = ENTRIES.subList(0, n);
      for (int m = 1; m <= n; m++) {
        List<byte[]> proof = TREE.consistencyProof(m, n);
        assertThat(hexes(proof)).as("m=%d n=%d", m, n).isEqualTo(hexes(Reference.proof(m, d)));
        assertThat(MerkleTree.verifyConsistency(m, n, TREE.root(m), TREE.root(n), proof))
            .as("m=%d n=%d", m, n).isTrue();
      }
    }
  }

  @Test
  void tamperedInclusionProofsAreRejected() {
    for (int n = 1; n <= MAX; n += 3) {
      byte[] root = TREE.root(n);
      for (int m = 0; m < n; m++) {
        List<byte[]> proof = TREE.inclusionProof(m, n);
        byte[] leaf = TREE.leaf(m);
        assertThat(MerkleTree.verifyInclusion(m, n, flip(leaf), proof, root)).isFalse();
        assertThat(MerkleTree.verifyInclusion(m, n, leaf, proof, flip(root))).isFalse();
        if (n > 1) {
          assertThat(MerkleTree.verifyInclusion((m + 1) % n, n, leaf, proof, root)).isFalse();
          for (int i = 0; i < proof.size(); i++) {
            List<byte[]> bad = new ArrayList<>(proof);
            bad.set(i, flip(bad.get(i)));
            assertThat(MerkleTree.verifyInclusion(m, n, leaf, bad, root)).isFalse();
          }
          assertThat(MerkleTree.verifyInclusion(m, n, leaf, proof.subList(1, proof.size()),
              root)).isFalse();
          List<byte[]> longer = new ArrayList<>(proof);
          longer.add(root);
          assertThat(MerkleTree.verifyInclusion(m, n, leaf, longer, root)).isFalse();
        }
        assertThat(MerkleTree.verifyInclusion(n, n, leaf, proof, root)).isFalse();
      }
    }
  }

  @Test
  void tamperedConsistencyProofsAreRejected() {
    for (int n = 2; n <= MAX; n += 3) {
      for (int m = 1; m < n; m++) {
        List<byte[]> proof = TREE.consistencyProof(m, n);
        byte[] r1 = TREE.root(m);
        byte[] r2 = TREE.root(n);
        assertThat(MerkleTree.verifyConsistency(m, n, flip(r1), r2, proof)).isFalse();
        assertThat(MerkleTree.verifyConsistency(m, n, r1, flip(r2), proof)).isFalse();
        assertThat(MerkleTree.verifyConsistency(n, m, r2, r1, proof)).isFalse();
        assertThat(MerkleTree.verifyConsistency(m, n, r1, r2, List.of())).isFalse();
        for (int i = 0; i < proof.size(); i++) {
          List<byte[]> bad = new ArrayList<>(proof);
          bad.set(i, flip(bad.get(i)));
          assertThat(MerkleTree.verifyConsistency(m, n, r1, r2, bad)).isFalse();
        }
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(r2);
        assertThat(MerkleTree.verifyConsistency(m, n, r1, r2, longer)).isFalse();
      }
    }
  }

  @Test
  void edgeCasesSingleLeafEqualSizesAndZeroFirstSize() {
    MerkleTree one = tree(ENTRIES.subList(0, 1));
    assertThat(one.inclusionProof(0, 1)).isEmpty();
    assertThat(one.root(1)).isEqualTo(AuditLog.leafHash(ENTRIES.get(0)));
    assertThat(MerkleTree.verifyInclusion(0, 1, one.leaf(0), List.of(), one.root(1))).isTrue();
    assertThat(TREE.consistencyProof(5, 5)).isEmpty();
    assertThat(MerkleTree.verifyConsistency(5, 5, TREE.root(5), TREE.root(5), List.of()))
        .isTrue();
    assertThat(MerkleTree.verifyConsistency(5, 5, TREE.root(5), TREE.root(6), List.of()))
        .isFalse();
    assertThat(MerkleTree.verifyConsistency(0, 5, TREE.root(0), TREE.root(5), List.of()))
        .isFalse();
    assertThatThrownBy(() -> TREE.consistencyProof(0, 5))
        .hasMessageContaining("first tree size from 1 to 5, got 0");
    assertThatThrownBy(() -> TREE.inclusionProof(5, 5))
        .hasMessageContaining("leaf index from 0 to 4, got 5");
    assertThatThrownBy(() -> TREE.root(MAX + 1)).hasMessageContaining("got " + (MAX + 1));
  }

  /** The RFC 6962 test vector of certificate-transparency: eight leaves and their roots. */
  @Test
  void theCertificateTransparencyReferenceRootsAndProofAreReproduced() {
    HexFormat hex = HexFormat.of();
    List<byte[]> leaves = List.of(new byte[0], hex.parseHex("00"), hex.parseHex("10"),
        hex.parseHex("2021"), hex.parseHex("3031"), hex.parseHex("40414243"),
        hex.parseHex("5051525354555657"), hex.parseHex("606162636465666768696a6b6c6d6e6f"));
    String[] roots = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    MerkleTree t = tree(leaves);
    for (int n = 1; n <= 8; n++) {
      assertThat(hex(t.root(n))).as("n=%d", n).isEqualTo(roots[n - 1]);
    }
    assertThat(hexes(t.consistencyProof(2, 5))).containsExactly(
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  }

  static List<byte[]> entries(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  static MerkleTree tree(List<byte[]> entries) {
    MerkleTree t = new MerkleTree();
    entries.forEach(e -> t.append(AuditLog.leafHash(e)));
    return t;
  }

  private static byte[] flip(byte[] h) {
    byte[] c = h.clone();
    c[c.length - 1] ^= 1;
    return c;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static List<String> hexes(List<byte[]> l) {
    return l.stream().map(MerkleTreeTest::hex).toList();
  }

  private static byte[] sha(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
