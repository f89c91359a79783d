package dev.imprint.server.svid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random ids handed out from a thread's batch of drawn bytes: each byte once, never repeated. */
class IdsTest {
  @Test
  void idsAcrossManyBatchesAreAllDistinct() {
    int count = Ids.BATCH; // 16 bytes each: sixteen batches
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < count; i++) {
      String id = Ids.random();
      assertThat(id).hasSize(22).matches("[A-Za-z0-9_-]+");
      ids.add(id);
    }
    assertThat(ids).hasSize(count);
  }

  @Test
  void piecesThatDoNotDivideTheBatchAreNeitherRepeatedNorCutShort() {
    Set<String> pieces = new HashSet<>();
    int count = 3 * Ids.BATCH / 7 + 5;
    for (int i = 0; i < count; i++) {
      byte[] b = Ids.bytes(7 * 3);
      assertThat(b).hasSize(21);
      pieces.add(HexFormat.of().formatHex(b));
    }
    assertThat(pieces).hasSize(count);
  }

  @Test
  void moreThanABatchAtOnceIsDrawnWhole() {
    byte[] a = Ids.bytes(Ids.BATCH + 1);
    byte[] b = Ids.bytes(Ids.BATCH + 1);
    assertThat(a).hasSize(Ids.BATCH + 1);
    assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[Ids.BATCH + 1]);
  }
}
