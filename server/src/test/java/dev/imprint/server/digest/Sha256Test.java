package dev.imprint.server.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class Sha256Test {
  @Test
  void emptyInputGivesTheFips180Vector() {
    assertThat(HexFormat.of().formatHex(Sha256.of(new byte[0])))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Sha256.hex("")).isEqualTo(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Sha256.of(new byte[0][])).isEqualTo(Sha256.of(new byte[0]));
  }

  @Test
  void shortTextGivesTheFips180VectorAsUtf8() throws Exception {
    assertThat(Sha256.hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Sha256.of("h\u00e9")).isEqualTo(jdk("h\u00e9".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void longInputMatchesTheJdk() throws Exception {
    byte[] big = new byte[1 << 20];
    new Random(7).nextBytes(big);
    assertThat(Sha256.of(big)).isEqualTo(jdk(big));
  }

  @Test
  void partsHashAsTheirConcatenation() throws Exception {
    byte[] a = "left".getBytes(StandardCharsets.UTF_8);
    byte[] b = "right".getBytes(StandardCharsets.UTF_8);
    assertThat(Sha256.of(new byte[] {1}, a, b)).isEqualTo(jdk("\u0001leftright".getBytes(
        StandardCharsets.UTF_8)));
  }

  @Test
  void aHashIsNotDisturbedByTheOneBeforeItOnTheSameThread() throws Exception {
    byte[] first = Sha256.of("first".getBytes(StandardCharsets.UTF_8),
        "second".getBytes(StandardCharsets.UTF_8));
    assertThat(Sha256.of("second".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(jdk("second".getBytes(StandardCharsets.UTF_8)));
    assertThat(first).isEqualTo(jdk("firstsecond".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void concurrentHashesOnManyThreadsEachMatchTheJdk() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        runs.add(pool.submit(() -> {
          Random r = new Random(seed);
          int checked = 0;
          for (int i = 0; i < 2_000; i++) {
            byte[] in = new byte[r.nextInt(300)];
            r.nextBytes(in);
            int cut = in.length / 2;
            byte[] head = java.util.Arrays.copyOf(in, cut);
            byte[] tail = java.util.Arrays.copyOfRange(in, cut, in.length);
            byte[] want = jdk(in);
            assertThat(i % 2 == 0 ? Sha256.of(in) : Sha256.of(head, tail)).isEqualTo(want);
            checked++;
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> f : runs) {
        total += f.get();
      }
      assertThat(total).isEqualTo(16_000);
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] jdk(byte[] in) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(in);
  }
}
