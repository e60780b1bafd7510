package io.recsv.prepare;

import com.univocity.parsers.csv.CsvParser;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One task's parser of CSV lines into interactions, on the line's bytes: fields split at the delimiter, ids read
 * as plain decimal longs, the weight as a double, without a String or an object per field. A line with a quote
 * is split by Spark's own tokenizer ({@link CsvLayout#quotedLineSettings}).
 * <p>What is valid, field by field (the rules prepare has always applied):
 * <ul>
 *   <li>an id or time: a decimal integer in a 64-bit long's range, an optional {@code -}, white space and control
 *   characters around it ignored; not {@code +5}, {@code 7.0}, {@code 1e3} or {@code 0x10};</li>
 *   <li>a weight: what {@link Double#parseDouble} reads (white space around it ignored), finite, and within the
 *   range of the 32-bit float ALS stores it as;</li>
 *   <li>a line: exactly as many fields as the first line (the header) has.</li>
 * </ul>
 * Not thread-safe: one per task.
 */
final class CsvLineParser {

  private static final double[] POWERS_OF_TEN = new double[16];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private final CsvLayout layout;
  private final byte[] delimiter;
  private final int need;
  private CsvParser quoted;
  /** The bytes the fields are in: the line's own, or {@link #scratch} for a line with quotes. */
  private byte[] bytes;
  private byte[] scratch = new byte[256];
  private int[] starts = new int[8];
  private int[] ends = new int[8];
  private int fields;
  /** What {@link #plainLong} read last. */
  private long parsedLong;

  long user;
  long product;
  double weight;
  long time;

  CsvLineParser(CsvLayout layout) {
    this.layout = layout;
    this.delimiter = layout.delimiterBytes();
    this.need = layout.columns().size();
  }

  /** True for a line Spark's CSV reader skips: empty, or only white space and control characters. */
  static boolean blank(byte[] line, int length) {
    for (int i = 0; i < length; i++) {
      if ((line[i] & 0xFF) > ' ') {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses {@code line[0, length)}: null and the values in {@link #user}, {@link #product}, {@link #weight} (1
   * without a weight column) and {@link #time}, or the first problem found.
   */
  Problem parse(byte[] line, int length) {
    split(line, length);
    if (fields != need) {
      return Problem.FIELD_COUNT;
    }
    if (!plainLong(layout.user())) {
      return Problem.USER;
    }
    user = parsedLong;
    if (!plainLong(layout.product())) {
      return Problem.PRODUCT;
    }
    product = parsedLong;
    if (layout.hasTime()) {
      if (!plainLong(layout.time())) {
        return Problem.TIME;
      }
      time = parsedLong;
    }
    if (layout.hasWeight()) {
      double w = weight(layout.weight());
      if (Double.isNaN(w) || Double.isInfinite(w)) {
        return Problem.WEIGHT_NOT_FINITE;
      }
      if (Math.abs(w) > Float.MAX_VALUE) {
        return Problem.WEIGHT_RANGE;
      }
      weight = w;
    } else {
      weight = 1;
    }
    return null;
  }

  /** The fields of the last line parsed, as text (null for an empty field), for messages. */
  String[] fields() {
    String[] out = new String[fields];
    for (int i = 0; i < fields; i++) {
      out[i] = ends[i] == starts[i] ? null : new String(bytes, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
    }
    return out;
  }

  /** Splits the line into {@link #fields} ranges of {@link #bytes}. */
  void split(byte[] line, int length) {
    fields = 0;
    for (int i = 0; i < length; i++) {
      if (line[i] == '"') {
        splitQuoted(new String(line, 0, length, StandardCharsets.UTF_8));
        return;
      }
    }
    bytes = line;
    int start = 0;
    byte first = delimiter[0];
    for (int i = 0; i <= length - delimiter.length; ) {
      if (line[i] == first && delimiterAt(line, i)) {
        field(start, i);
        i += delimiter.length;
        start = i;
      } else {
        i++;
      }
    }
    field(start, length);
  }

  private boolean delimiterAt(byte[] line, int at) {
    for (int k = 1; k < delimiter.length; k++) {
      if (line[at + k] != delimiter[k]) {
        return false;
      }
    }
    return true;
  }

  private void splitQuoted(String line) {
    if (quoted == null) {
      quoted = new CsvParser(layout.quotedLineSettings());
    }
    String[] values = quoted.parseLine(line);
    int at = 0;
    for (String v : values == null ? new String[0] : values) {
      byte[] b = v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8);
      if (scratch.length < at + b.length) {
        scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, at + b.length));
      }
      System.arraycopy(b, 0, scratch, at, b.length);
      field(at, at + b.length);
      at += b.length;
    }
    bytes = scratch;
  }

  private void field(int start, int end) {
    if (fields == starts.length) {
      starts = Arrays.copyOf(starts, fields * 2);
      ends = Arrays.copyOf(ends, fields * 2);
    }
    starts[fields] = start;
    ends[fields++] = end;
  }

  /** Reads field {@code f} into {@link #parsedLong}; false unless it is a plain decimal long. */
  private boolean plainLong(int f) {
    int from = starts[f];
    int to = ends[f];
    while (from < to && ignoredAroundLong(bytes[from])) {
      from++;
    }
    while (to > from && ignoredAroundLong(bytes[to - 1])) {
      to--;
    }
    boolean negative = from < to && bytes[from] == '-';
    if (negative) {
      from++;
    }
    if (from == to) {
      return false;
    }
    // Accumulated as a negative number: Long.MIN_VALUE has no positive counterpart.
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9) {
        return false;
      }
      if (value < (Long.MIN_VALUE + digit) / 10) {
        return false;
      }
      value = value * 10 - digit;
    }
    if (!negative && value == Long.MIN_VALUE) {
      return false;
    }
    parsedLong = negative ? value : -value;
    return true;
  }

  /** White space and control characters: what Spark's cast of a string to a long ignores around it. */
  private static boolean ignoredAroundLong(byte b) {
    return (b >= 0 && b <= ' ') || b == 0x7F;
  }

  /**
   * Field {@code f} as a double, NaN if it is not a number. A plain decimal with at most 15 digits is an exact
   * integer divided by an exact power of ten, so one correctly rounded division gives what
   * {@link Double#parseDouble} gives; anything else goes to parseDouble.
   */
  private double weight(int f) {
    int from = starts[f];
    int to = ends[f];
    while (from < to && (bytes[from] & 0xFF) <= ' ') {
      from++;
    }
    while (to > from && (bytes[to - 1] & 0xFF) <= ' ') {
      to--;
    }
    if (from == to) {
      return Double.NaN;
    }
    boolean negative = bytes[from] == '-';
    int i = negative ? from + 1 : from;
    long mantissa = 0;
    int digits = 0;
    int fraction = -1;
    boolean plain = i < to && bytes[i] != '.';
    for (; plain && i < to; i++) {
      byte b = bytes[i];
      if (b >= '0' && b <= '9') {
        mantissa = mantissa * 10 + (b - '0');
        digits++;
        if (fraction >= 0) {
          fraction++;
        }
      } else if (b == '.' && fraction < 0) {
        fraction = 0;
      } else {
        plain = false;
      }
    }
    if (plain && digits <= 15) {
      double value = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction] : mantissa;
      return negative ? -value : value;
    }
    try {
      return Double.parseDouble(new String(bytes, from, to - from, StandardCharsets.UTF_8));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
