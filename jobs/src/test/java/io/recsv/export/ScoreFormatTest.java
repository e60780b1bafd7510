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
    for (long v : new long[] {0, 7, -7, 4294967296L, Long.MAX_VALUE, Long.MIN_VALUE}) {
      int n = Ascii.appendLong(v, buf, 0);
      assertEquals(Long.toString(v), new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
    }
  }
}
