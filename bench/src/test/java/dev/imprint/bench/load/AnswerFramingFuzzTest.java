package dev.imprint.bench.load;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the open-loop driver's answer framing ({@link AnswerFraming}): any bytes, read whole,
 * byte by byte or in reads of the size their first byte gives, frame the same way, as one whole
 * answer ending exactly at their end, as more to come, or as malformed with a reason; never an
 * exception, and never an answer that bytes run past ({@link AnswerFramingTest#checkAnyBytes}).
 */
class AnswerFramingFuzzTest {
  @FuzzTest(maxDuration = "1m")
  void anyBytesFrameAsOneWholeAnswerOrAMalformedOneInAnyReads(byte[] data) {
    AnswerFramingTest.checkAnyBytes(data, new int[0]);
    AnswerFramingTest.checkAnyBytes(data, new int[] {data.length == 0 ? 1 : 1 + (data[0] & 0x3f),
        1, 7});
    if (data.length <= 4096) {
      // byte by byte re-frames the head on every read: bounded, so a long input stays quick
      AnswerFramingTest.checkAnyBytes(data, new int[] {1});
    }
  }
}
