package io.recsv.export;

/**
 * Decimal text of longs straight into a byte buffer (no String, no locale). The CSV's ids are most of its bytes
 * (64-bit ids of up to 19 digits, two on every line), so the digits are counted by comparisons and written two
 * at a time from a table: a division per two digits rather than two per digit.
 */
final class Ascii {

  /** "00", "01", ... "99" as 200 bytes. */
  private static final byte[] PAIRS = new byte[200];
  /** 10^1 .. 10^18: a value below POWERS[i] has at most i + 1 digits. */
  private static final long[] POWERS = new long[18];

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
    long p = 10;
    for (int i = 0; i < POWERS.length; i++, p *= 10) {
      POWERS[i] = p;
    }
  }

  private Ascii() {}

  static int appendLong(long value, byte[] out, int pos) {
    if (value == Long.MIN_VALUE) {
      byte[] min = Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      System.arraycopy(min, 0, out, pos, min.length);
      return pos + min.length;
    }
    if (value < 0) {
      out[pos++] = '-';
      value = -value;
    }
    int digits = digits(value);
    int end = pos + digits;
    int i = end;
    while (value >= 100) {
      long q = value / 100;
      int pair = (int) (value - q * 100) * 2;
      out[--i] = PAIRS[pair + 1];
      out[--i] = PAIRS[pair];
      value = q;
    }
    if (value >= 10) {
      out[--i] = PAIRS[(int) value * 2 + 1];
      out[--i] = PAIRS[(int) value * 2];
    } else {
      out[--i] = (byte) ('0' + value);
    }
    return end;
  }

  /** Digits of a non-negative value. */
  private static int digits(long value) {
    for (int i = 0; i < POWERS.length; i++) {
      if (value < POWERS[i]) {
        return i + 1;
      }
    }
    return 19;
  }
}
