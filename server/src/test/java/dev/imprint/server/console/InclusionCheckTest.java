package dev.imprint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page's step-by-step proof folding agrees with the audit log's own verifier. */
class InclusionCheckTest {
  @Test
  void everyLeafOfTreesUpTo40FoldsToTheRootInAsManyStepsAsTheProofHas() {
    MerkleTree tree = new MerkleTree();
    int checked = 0;
    for (int n = 1; n <= 40; n++) {
      tree.append(leaf(n - 1));
      for (int i = 0; i < n; i++) {
        List<byte[]> proof = tree.inclusionProof(i, n);
        List<InclusionCheck.Step> steps = new ArrayList<>();
        byte[] root = InclusionCheck.fold(i, n, leaf(i), proof, steps);
        assertThat(root).as("leaf %d of %d", i, n).isEqualTo(tree.root(n));
        assertThat(MerkleTree.verifyInclusion(i, n, leaf(i), proof, tree.root(n))).isTrue();
        assertThat(steps).hasSize(proof.size());
        checked++;
      }
    }
    assertThat(checked).isEqualTo(820);
  }

  @Test
  void aChangedSiblingOrAWrongIndexDoesNotReachTheRoot() {
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < 13; i++) {
      tree.append(leaf(i));
    }
    List<byte[]> proof = new ArrayList<>(tree.inclusionProof(5, 13));
    byte[] bent = proof.get(1).clone();
    bent[0] ^= 1;
    proof.set(1, bent);
    assertThat(InclusionCheck.fold(5, 13, leaf(5), proof, new ArrayList<>()))
        .isNotEqualTo(tree.root(13));
    assertThat(InclusionCheck.fold(4, 13, leaf(5), tree.inclusionProof(5, 13),
        new ArrayList<>())).isNotEqualTo(tree.root(13));
    List<byte[]> tooLong = new ArrayList<>(tree.inclusionProof(5, 13));
    tooLong.add(leaf(0));
    assertThat(InclusionCheck.fold(5, 13, leaf(5), tooLong, new ArrayList<>())).isNull();
  }

  private static byte[] leaf(int i) {
    return AuditLog.leafHash(("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8));
  }
}
