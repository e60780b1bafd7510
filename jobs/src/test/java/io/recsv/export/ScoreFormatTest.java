package io.recsv.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class ScoreFormatTest {

  @Test
  void fixedDecimalsWithADotWhateverTheLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      ScoreFormat f = new ScoreFormat(4);
      assertEquals("1.0000", f.format(1f));
      assertEquals("0.0000", f.format(0f));
      assertEquals("0.1235", f.format(0.12345f));   // float 0.12345 is slightly above: rounds up
      assertEquals("0.0313", f.format(0.03125f));   // exact half: away from zero
      assertEquals("-2.5000", f.format(-2.5f));
      assertEquals("12345.6797", f.format(12345.68f));
      assertEquals("1", new ScoreFormat(0).format(0.5f));
      assertEquals("0.123457", new ScoreFormat(6).format(0.1234567f));
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void longsAsAscii() {
    byte[] buf = new byte[32];
    java.util.List<Long> values = new java.util.ArrayList<>(java.util.List.of(0L, 7L, -7L, 4294967296L,
        Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
    for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {  // every length, at and around each power of 10
      values.addAll(java.util.List.of(p - 1, p, p + 1, 10 * p - 1, -p, -(p - 1), -(10 * p - 1)));
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      values.add(random.nextLong() >> random.nextInt(64));
    }
    for (long v : values) {
      int n = Ascii.appendLong(v, buf, 3);
      assertEquals(Long.toString(v), new String(buf, 3, n - 3, java.nio.charset.StandardCharsets.US_ASCII));
    }
  }
}
