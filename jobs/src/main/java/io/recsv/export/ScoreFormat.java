package io.recsv.export;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Scores as fixed-point decimals, always with '.', whatever the JVM locale: a score is first scaled to a
 * long ({@link #scaled}, half-up), which is also the key the CSV's rows are ordered by, then printed.
 */
public final class ScoreFormat implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
      100_000_000L, 1_000_000_000L};
  static final int MAX_DECIMALS = POW10.length - 1;

  private final int decimals;

  public ScoreFormat(int decimals) {
    if (decimals < 0 || decimals > MAX_DECIMALS) {
      throw new IllegalArgumentException("decimals must be 0.." + MAX_DECIMALS);
    }
    this.decimals = decimals;
  }

  /** round(score * 10^decimals), half away from zero; as a BigDecimal's unscaled value when it is huge. */
  public long scaled(float score) {
    double x = (double) score * POW10[decimals];
    if (Math.abs(x) < 9.0e15) {
      return x < 0 ? -Math.round(-x) : Math.round(x);
    }
    return new BigDecimal(score).setScale(decimals, RoundingMode.HALF_UP).unscaledValue().longValue();
  }

  /** Appends the decimal text of a scaled value; returns the new position. */
  int append(long scaled, byte[] out, int pos) {
    if (scaled < 0) {
      out[pos++] = '-';
      scaled = -scaled;
    }
    long whole = scaled / POW10[decimals];
    long fraction = scaled % POW10[decimals];
    pos = Ascii.appendLong(whole, out, pos);
    if (decimals > 0) {
      out[pos++] = '.';
      for (int d = decimals - 1; d >= 0; d--) {
        out[pos + d] = (byte) ('0' + fraction % 10);
        fraction /= 10;
      }
      pos += decimals;
    }
    return pos;
  }

  /** The score as the CSV prints it. */
  public String format(float score) {
    byte[] buf = new byte[64];
    int n = append(scaled(score), buf, 0);
    return new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
  }
}
