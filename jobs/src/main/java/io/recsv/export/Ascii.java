package io.recsv.export;

/** Decimal text of longs straight into a byte buffer (no String, no locale). */
final class Ascii {

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
    int digits = 1;
    for (long v = value / 10; v > 0; v /= 10) {
      digits++;
    }
    for (int i = pos + digits - 1; i >= pos; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return pos + digits;
  }
}
