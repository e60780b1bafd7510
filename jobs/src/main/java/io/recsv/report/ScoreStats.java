package io.recsv.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * What score recommended: rows and users, the distribution of the published (normalized) and the raw scores,
 * how much of the catalogue is recommended and how often (the long tail, and its Gini coefficient), the most
 * recommended products, and how many recommendations are products the user already has. Recorded in score's
 * output, computed where score's rows lie in two passes over them (no shuffle); what reaches the driver is a few
 * thousand numbers and a count per product of the catalogue.
 */
public record ScoreStats(long rows, long users, long catalogue, long productsRecommended, Histogram scores,
    Histogram rawScores, Histogram timesRecommended, List<TailPoint> longTail, double gini,
    List<TopProduct> mostRecommended, Seen seen) {

  /**
   * A point of the long tail: the product at {@code share} of the catalogue, most recommended first, is
   * recommended {@code timesRecommended} times.
   */
  public record TailPoint(double share, long timesRecommended) {}

  /** A product recommended to {@code users} users ({@code share} of all users). */
  public record TopProduct(long productId, long users, double share) {}

  /**
   * Recommendations of products the user already interacted with: {@code excluded} when score.exclude-seen made
   * them impossible; otherwise their share among the rows of {@code sampledUsers} users (every user up to
   * {@link #SEEN_SAMPLE}, an even sample of users above).
   */
  public record Seen(boolean excluded, double share, long sampledUsers, long rowsChecked) {}

  static final int TAIL_POINTS = 100;
  static final int TOP_PRODUCTS = 10;
  static final long SEEN_SAMPLE = 10_000;

  /**
   * @param lists score's output ({@link TopLists#SCHEMA}: one row per user)
   * @param products prepare's product dictionary (product_id, product_index): the catalogue
   * @param seen prepare's interactions, or null when score excluded them
   */
  public static ScoreStats of(Dataset<Row> lists, Dataset<Row> products, Dataset<Row> seen) {
    long catalogue = products.count();
    // Two passes over Spark's own rows (primitive arrays, not boxed values), each merged on the executors in a
    // tree: the first for how many and the scores' ranges and sums, the second for the bins of both scores (which
    // need the ranges) and how often each product is recommended (a count array, 4 bytes per product).
    JavaRDD<InternalRow> arrays = lists.select(TopLists.PRODUCTS, TopLists.SCORES, TopLists.RAW_SCORES)
        .queryExecution().toRdd().toJavaRDD();
    Ranges first = arrays.treeAggregate(new Ranges(), Ranges::add, Ranges::merge, 3);
    long rows = first.rows;
    long users = first.users;
    double[] lo = {first.published.lo(), first.raw.lo()};
    double[] hi = {first.published.hi(), first.raw.hi()};
    Tally tally = arrays.treeAggregate(new Tally(lo, hi, catalogue), Tally::add, Tally::merge, 3);
    Histogram scores = tally.scores.histogram(rows, rows == 0 ? 0 : first.published.sum / rows, hi[0]);
    Histogram rawScores = tally.rawScores.histogram(rows, rows == 0 ? 0 : first.raw.sum / rows, hi[1]);
    SortedMap<Long, Long> times = new TreeMap<>();
    for (int n : tally.timesRecommended) {
      if (n > 0) {
        times.merge((long) n, 1L, Long::sum);
      }
    }
    long recommended = times.values().stream().mapToLong(Long::longValue).sum();
    return new ScoreStats(rows, users, catalogue, recommended, scores, rawScores, Histogram.powersOfTwo(times),
        longTail(times, catalogue), gini(times, catalogue), mostRecommended(tally.timesRecommended, products, users),
        seen(seen == null ? null : TopLists.rows(lists), seen, rows, users));
  }

  /** The first pass's sums: rows, users with a row, and the range and sum of both scores. */
  private static final class Ranges implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    long users;
    final Range published = new Range();
    final Range raw = new Range();

    Ranges add(InternalRow row) {
      int n = row.getArray(0).numElements();
      rows += n;
      users += n > 0 ? 1 : 0;
      published.add(row.getArray(1));
      raw.add(row.getArray(2));
      return this;
    }

    Ranges merge(Ranges other) {
      rows += other.rows;
      users += other.users;
      published.merge(other.published);
      raw.merge(other.raw);
      return this;
    }
  }

  /** The smallest, largest and sum of one score over every row (0 when there are none). */
  private static final class Range implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    double sum;

    void add(ArrayData scores) {
      double rowSum = 0;
      for (int i = 0, n = scores.numElements(); i < n; i++) {
        float x = scores.getFloat(i);
        min = Math.min(min, x);
        max = Math.max(max, x);
        rowSum += x;
      }
      sum += rowSum;
    }

    void merge(Range other) {
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
      sum += other.sum;
    }

    double lo() {
      return min <= max ? min : 0;
    }

    double hi() {
      return min <= max ? max : 0;
    }
  }

  /**
   * The second pass's sums: both scores' bins, and how many users each product is recommended to (products are
   * dense indices; fewer than 2^31 users each).
   */
  private static final class Tally implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final Histogram.LinearBins scores;
    final Histogram.LinearBins rawScores;
    final int[] timesRecommended;

    Tally(double[] lo, double[] hi, long catalogue) {
      this.scores = new Histogram.LinearBins(lo[0], hi[0]);
      this.rawScores = new Histogram.LinearBins(lo[1], hi[1]);
      this.timesRecommended = new int[Math.toIntExact(catalogue)];
    }

    Tally add(InternalRow row) {
      int[] products = row.getArray(0).toIntArray();
      float[] published = row.getArray(1).toFloatArray();
      float[] raw = row.getArray(2).toFloatArray();
      for (int i = 0; i < products.length; i++) {
        if (products[i] < 0 || products[i] >= timesRecommended.length) {
          throw new IllegalStateException("score's output recommends product index " + products[i]
              + ", outside the catalogue's 0 to " + (timesRecommended.length - 1));
        }
        timesRecommended[products[i]]++;
        scores.add(published[i]);
        rawScores.add(raw[i]);
      }
      return this;
    }

    Tally merge(Tally other) {
      scores.merge(other.scores);
      rawScores.merge(other.rawScores);
      for (int i = 0; i < timesRecommended.length; i++) {
        timesRecommended[i] = Math.addExact(timesRecommended[i], other.timesRecommended[i]);
      }
      return this;
    }
  }

  /**
   * How often the product at each {@code 1 / TAIL_POINTS} of the catalogue, most recommended first, is
   * recommended (products never recommended count as 0), exactly, from how many products are recommended how
   * often.
   */
  static List<TailPoint> longTail(SortedMap<Long, Long> times, long catalogue) {
    List<TailPoint> points = new ArrayList<>();
    if (catalogue == 0) {
      return points;
    }
    List<Map.Entry<Long, Long>> descending = new ArrayList<>(times.entrySet());
    java.util.Collections.reverse(descending);
    int at = 0;
    long before = 0;  // products ranked above the current entry
    for (int p = 0; p <= TAIL_POINTS; p++) {
      long rank = Math.min(catalogue - 1, Math.round((double) p / TAIL_POINTS * (catalogue - 1)));
      while (at < descending.size() && before + descending.get(at).getValue() <= rank) {
        before += descending.get(at).getValue();
        at++;
      }
      points.add(new TailPoint((double) p / TAIL_POINTS, at < descending.size() ? descending.get(at).getKey() : 0));
    }
    return points;
  }

  /**
   * The Gini coefficient of how recommendations spread over the whole catalogue: 0 when every product is
   * recommended equally often, near 1 when a few products take them all.
   */
  public static double gini(SortedMap<Long, Long> times, long catalogue) {
    long recommended = times.values().stream().mapToLong(Long::longValue).sum();
    double total = 0;
    double weighted = 0;  // sum over products ranked ascending (from 1) of rank * times
    long rank = catalogue - recommended;  // the products never recommended come first, with 0
    for (Map.Entry<Long, Long> e : times.entrySet()) {
      long first = rank + 1;
      long last = rank + e.getValue();
      weighted += (double) e.getKey() * (first + last) / 2.0 * e.getValue();
      total += (double) e.getKey() * e.getValue();
      rank = last;
    }
    return total == 0 || catalogue == 0 ? 0 : 2 * weighted / (catalogue * total) - (catalogue + 1.0) / catalogue;
  }

  /** The {@link #TOP_PRODUCTS} most recommended, most first (ties by product index), with their ids. */
  private static List<TopProduct> mostRecommended(int[] times, Dataset<Row> products, long users) {
    List<Integer> top = java.util.stream.IntStream.range(0, times.length).boxed().filter(i -> times[i] > 0)
        .sorted(java.util.Comparator.comparingInt((Integer i) -> -times[i]).thenComparingInt(i -> i))
        .limit(TOP_PRODUCTS).toList();
    Map<Integer, Long> ids = new java.util.HashMap<>();
    for (Row r : products.filter(col(RunLayout.PRODUCT_INDEX).isin(top.toArray()))
        .select(RunLayout.PRODUCT_INDEX, RunLayout.PRODUCT_ID).collectAsList()) {
      ids.put(r.getInt(0), r.getLong(1));
    }
    List<TopProduct> out = new ArrayList<>();
    for (int index : top) {
      out.add(new TopProduct(ids.get(index), times[index], (double) times[index] / Math.max(users, 1)));
    }
    return out;
  }

  private static Seen seen(Dataset<Row> top, Dataset<Row> seen, long rows, long users) {
    if (seen == null) {
      return new Seen(true, 0, 0, 0);
    }
    long every = Math.max(1, users / SEEN_SAMPLE);  // dense user indices: every n-th is an even sample
    Dataset<Row> sample = top.select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX, RunLayout.RANK);
    long checked = rows;
    long sampledUsers = users;
    if (every > 1) {
      sample = sample.filter(col(RunLayout.USER_INDEX).mod(every).equalTo(0));
      Row r = sample.agg(count(lit(1)), sum(when(col(RunLayout.RANK).equalTo(1), 1L).otherwise(0L))).first();
      checked = r.getLong(0);
      sampledUsers = r.isNullAt(1) ? 0 : r.getLong(1);
    }
    Dataset<Row> pairs = seen.select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX);
    if (every > 1) {  // the sampled users' pairs only: the join then shuffles a sample, not every pair
      pairs = pairs.filter(col(RunLayout.USER_INDEX).mod(every).equalTo(0));
    }
    long alreadySeen = sample.join(pairs, sample.col(RunLayout.USER_INDEX).equalTo(pairs.col(RunLayout.USER_INDEX))
        .and(sample.col(RunLayout.PRODUCT_INDEX).equalTo(pairs.col(RunLayout.PRODUCT_INDEX))), "left_semi").count();
    return new Seen(false, checked == 0 ? 0 : (double) alreadySeen / checked, sampledUsers, checked);
  }
}
