package io.recsv.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A distribution, computed where the data lies in one or two aggregating passes (no sort of the rows, no
 * collect of them): bins of {@code [from, to]} with how many values fell in each, and the summary a reader looks
 * at first. {@code scale} is "powers of two" (whole numbers such as interactions per user: 1, 2-3, 4-7, ...;
 * summary exact) or "linear" (scores: {@link #LINEAR_BINS} equal bins between the smallest and the largest
 * value; the median read off the bins, to within one bin's width).
 */
public record Histogram(String scale, long values, double min, double median, double mean, double max,
    List<Bin> bins) {

  /** Values in {@code [from, to]}; for powers of two both are whole numbers. */
  public record Bin(double from, double to, long count) {}

  static final String POWERS_OF_TWO = "powers of two";
  static final String LINEAR = "linear";
  static final int LINEAR_BINS = 50;

  /**
   * How many times each whole number occurs in {@code column}: as many rows reach the driver as there are
   * distinct values (for counts per user or per product, at most the largest count; thousands, not millions).
   */
  public static SortedMap<Long, Long> frequencies(Dataset<Row> rows, String column) {
    SortedMap<Long, Long> frequencies = new TreeMap<>();
    for (Row r : rows.groupBy(col(column).cast("long")).count().collectAsList()) {
      frequencies.put(r.getLong(0), r.getLong(1));
    }
    return frequencies;
  }

  /** Whole numbers of at least 1, given as value -> how often, in bins [1], [2, 3], [4, 7], ... */
  static Histogram powersOfTwo(SortedMap<Long, Long> frequencies) {
    long n = frequencies.values().stream().mapToLong(Long::longValue).sum();
    if (n == 0) {
      return new Histogram(POWERS_OF_TWO, 0, 0, 0, 0, 0, List.of());
    }
    TreeMap<Long, Long> bins = new TreeMap<>();
    double sum = 0;
    long seen = 0;
    double median = Double.NaN;
    for (Map.Entry<Long, Long> e : frequencies.entrySet()) {
      bins.merge(Long.highestOneBit(Math.max(1, e.getKey())), e.getValue(), Long::sum);
      sum += (double) e.getKey() * e.getValue();
      seen += e.getValue();
      if (Double.isNaN(median) && 2 * seen >= n) {
        median = e.getKey();
      }
    }
    List<Bin> list = new ArrayList<>();
    for (long from = bins.firstKey(); from <= bins.lastKey() && from > 0; from <<= 1) {  // empty bins too
      list.add(new Bin(from, 2 * from - 1, bins.getOrDefault(from, 0L)));
    }
    return new Histogram(POWERS_OF_TWO, n, frequencies.firstKey(), median, sum / n, frequencies.lastKey(), list);
  }

  /** Whole numbers of at least 1 in {@code column}, in bins [1], [2, 3], [4, 7], ...: one pass. */
  static Histogram powersOfTwo(Dataset<Row> rows, String column) {
    return powersOfTwo(frequencies(rows, column));
  }

  /**
   * Values counted into {@link #LINEAR_BINS} equal bins between the smallest and the largest, both known
   * beforehand (a first pass): filled where the values lie and merged, so that one pass over the data fills the
   * bins of every column.
   */
  static final class LinearBins implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final double lo;
    private final double width;
    private final long[] counts = new long[LINEAR_BINS];

    LinearBins(double lo, double hi) {
      this.lo = lo;
      this.width = hi > lo ? (hi - lo) / LINEAR_BINS : 0;
    }

    void add(double value) {
      // The largest value closes the last bin rather than opening one of its own. A value outside [lo, hi] (bins
      // made between ranges the pass then found wrong, and made again) goes to the nearest bin.
      counts[width == 0 ? 0 : (int) Math.max(0, Math.min(Math.floor((value - lo) / width), LINEAR_BINS - 1))]++;
    }

    LinearBins merge(LinearBins other) {
      for (int i = 0; i < LINEAR_BINS; i++) {
        counts[i] += other.counts[i];
      }
      return this;
    }

    /** The histogram of the {@code n} values added, whose mean and largest are known from the first pass. */
    Histogram histogram(long n, double mean, double hi) {
      return n == 0 ? new Histogram(LINEAR, 0, 0, 0, 0, 0, List.of()) : linear(n, lo, mean, hi, width, counts);
    }
  }

  private static Histogram linear(long n, double lo, double mean, double hi, double width, long[] counts) {
    List<Bin> list = new ArrayList<>();
    int used = width == 0 ? 1 : LINEAR_BINS;
    double median = lo;
    long seen = 0;
    for (int i = 0; i < used; i++) {
      double from = lo + i * width;
      list.add(new Bin(from, i == used - 1 ? hi : from + width, counts[i]));
      if (seen < n / 2.0 && seen + counts[i] >= n / 2.0) {  // interpolated within the bin that holds the middle
        median = from + width * (n / 2.0 - seen) / counts[i];
      }
      seen += counts[i];
    }
    return new Histogram(LINEAR, n, lo, median, mean, hi, list);
  }
}
