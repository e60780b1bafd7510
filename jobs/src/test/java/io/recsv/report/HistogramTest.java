package io.recsv.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.recsv.TestSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The report's distributions, computed by Spark, against a plain Java computation of the same numbers. */
class HistogramTest {

  private final SparkSession spark = TestSpark.get();

  private Dataset<Row> longs(long... values) {
    List<Row> rows = new ArrayList<>();
    for (long v : values) {
      rows.add(RowFactory.create(v));
    }
    return spark.createDataFrame(rows, new StructType().add("count", DataTypes.LongType));
  }

  @Test
  void powersOfTwoCountsEachValueInItsBinWithAnExactSummary() {
    // 8 is where a floating-point log2 would go wrong; 1 and 1000 the ends; nothing between 16 and 511.
    long[] values = {1, 1, 2, 3, 4, 7, 8, 8, 15, 1000};
    Histogram h = Histogram.powersOfTwo(longs(values), "count");
    assertEquals(Histogram.POWERS_OF_TWO, h.scale());
    assertEquals(values.length, h.values());
    assertEquals(1, h.min());
    assertEquals(1000, h.max());
    assertEquals(Arrays.stream(values).average().orElseThrow(), h.mean(), 1e-9);
    assertEquals(4, h.median());  // the 5th of 10 sorted values: the lower median
    long[] expected = new long[10];  // bins [1], [2,3], [4,7], [8,15], ... [512,1023]
    for (long v : values) {
      expected[63 - Long.numberOfLeadingZeros(v)]++;
    }
    assertEquals(10, h.bins().size(), "empty bins between are kept: a chart shows the gap");
    for (int i = 0; i < 10; i++) {
      assertEquals(1L << i, (long) h.bins().get(i).from());
      assertEquals((2L << i) - 1, (long) h.bins().get(i).to());
      assertEquals(expected[i], h.bins().get(i).count(), "bin " + i);
    }
  }

  @Test
  void linearBinsSpanMinToMaxAndTheMaximumClosesTheLastBin() {
    Random random = new Random(7);
    float[] a = new float[1000];
    for (int i = 0; i < a.length; i++) {
      a[i] = random.nextFloat();
    }
    a[0] = 0f;
    a[1] = 1f;
    // Filled in two parts and merged, as two tasks would.
    Histogram.LinearBins first = new Histogram.LinearBins(0, 1);
    Histogram.LinearBins second = new Histogram.LinearBins(0, 1);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      (i < 300 ? first : second).add(a[i]);
      sum += a[i];
    }
    Histogram ha = first.merge(second).histogram(a.length, sum / a.length, 1);
    assertEquals(1000, ha.values());
    assertEquals(0, ha.min());
    assertEquals(1, ha.max());
    assertEquals(Histogram.LINEAR_BINS, ha.bins().size());
    long[] expected = new long[Histogram.LINEAR_BINS];
    for (float v : a) {
      expected[Math.min(Histogram.LINEAR_BINS - 1, (int) Math.floor(v / (1.0 / Histogram.LINEAR_BINS)))]++;
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], ha.bins().get(i).count(), "bin " + i);
    }
    float[] sorted = a.clone();
    Arrays.sort(sorted);
    assertEquals((sorted[499] + sorted[500]) / 2, ha.median(), 1.0 / Histogram.LINEAR_BINS, "within a bin");

    Histogram.LinearBins constant = new Histogram.LinearBins(5, 5);
    for (int i = 0; i < 1000; i++) {
      constant.add(5);
    }
    Histogram hb = constant.histogram(1000, 5, 5);
    assertEquals(List.of(new Histogram.Bin(5, 5, 1000)), hb.bins(), "a constant is one bin");
    assertEquals(5, hb.median());
  }

  @Test
  void longTailAndGiniMatchTheProductsRankedOneByOne() {
    // 7 products in the catalogue, recommended 9, 4, 4, 1 times; three never.
    SortedMap<Long, Long> times = new TreeMap<>(Map.of(9L, 1L, 4L, 2L, 1L, 1L));
    long[] ranked = {9, 4, 4, 1, 0, 0, 0};  // most recommended first
    List<ScoreStats.TailPoint> tail = ScoreStats.longTail(times, ranked.length);
    assertEquals(ScoreStats.TAIL_POINTS + 1, tail.size());
    for (ScoreStats.TailPoint p : tail) {
      int rank = (int) Math.round(p.share() * (ranked.length - 1));
      assertEquals(ranked[rank], p.timesRecommended(), "share " + p.share());
    }
    // Gini from its definition: the mean absolute difference over all pairs, over twice the mean.
    double sum = 0;
    double diff = 0;
    for (long x : ranked) {
      sum += x;
      for (long y : ranked) {
        diff += Math.abs(x - y);
      }
    }
    double n = ranked.length;
    assertEquals(diff / (2 * n * n * (sum / n)), ScoreStats.gini(times, ranked.length), 1e-12);
    assertEquals(0, ScoreStats.gini(new TreeMap<>(Map.of(3L, 4L)), 4), 1e-12, "all equal: 0");
  }
}
