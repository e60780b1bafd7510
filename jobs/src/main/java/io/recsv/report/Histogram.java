package io.recsv.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A distribution, computed by Spark where the data lies in one or two aggregating passes (no sort of the rows, no
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

  /** Each column in {@link #LINEAR_BINS} equal bins between its smallest and largest value: two passes for all. */
  static Map<String, Histogram> linear(Dataset<Row> rows, String... columns) {
    List<Column> summaries = new ArrayList<>();
    for (String column : columns) {
      summaries.addAll(List.of(count(col(column)), functions.min(col(column)).cast("double"),
          avg(col(column)), functions.max(col(column)).cast("double")));
    }
    Row s = rows.agg(summaries.get(0), summaries.subList(1, summaries.size()).toArray(new Column[0])).first();
    Column[] bins = new Column[columns.length];
    double[] lo = new double[columns.length];
    double[] width = new double[columns.length];
    for (int c = 0; c < columns.length; c++) {
      lo[c] = s.isNullAt(4 * c + 1) ? 0 : s.getDouble(4 * c + 1);
      double hi = s.isNullAt(4 * c + 3) ? 0 : s.getDouble(4 * c + 3);
      width[c] = hi > lo[c] ? (hi - lo[c]) / LINEAR_BINS : 0;
      // The largest value closes the last bin rather than opening one of its own.
      bins[c] = width[c] == 0 ? lit(0L)
          : least(floor(col(columns[c]).minus(lo[c]).divide(width[c])), lit((long) LINEAR_BINS - 1));
    }
    // One pass for every column: count by the combination of bins (at most LINEAR_BINS ^ columns groups).
    long[][] counts = new long[columns.length][LINEAR_BINS];
    for (Row r : rows.groupBy(bins).count().collectAsList()) {
      for (int c = 0; c < columns.length; c++) {
        if (!r.isNullAt(c)) {
          counts[c][(int) r.getLong(c)] += r.getLong(columns.length);
        }
      }
    }
    Map<String, Histogram> out = new LinkedHashMap<>();
    for (int c = 0; c < columns.length; c++) {
      long n = s.getLong(4 * c);
      out.put(columns[c], n == 0 ? new Histogram(LINEAR, 0, 0, 0, 0, 0, List.of())
          : linear(n, lo[c], s.getDouble(4 * c + 2), s.getDouble(4 * c + 3), width[c], counts[c]));
    }
    return out;
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
