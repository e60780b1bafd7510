package io.recsv.report;

import static org.apache.spark.sql.functions.col;

import io.recsv.fs.FloatRanges;
import io.recsv.lineage.Counts;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * What score recommended: rows and users, the distribution of the published (normalized) and the raw scores,
 * how much of the catalogue is recommended and how often (the long tail, and its Gini coefficient), the most
 * recommended products, and how many recommendations are products the user already has. Recorded in score's
 * output, computed where score's rows lie in one pass over them (two when the Parquet footers do not state the
 * scores' ranges exactly; no shuffle); what reaches the driver is a few thousand numbers and a count per product
 * of the catalogue, and the seen pairs of a sample of users go the other way.
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
   * {@link #SEEN_SAMPLE}, an even sample of users above, fewer when their seen pairs would be more than
   * {@link #SEEN_PAIRS}).
   */
  public record Seen(boolean excluded, double share, long sampledUsers, long rowsChecked) {}

  static final int TAIL_POINTS = 100;
  static final int TOP_PRODUCTS = 10;
  static final long SEEN_SAMPLE = 10_000;
  static final long SEEN_PAIRS = 1 << 22;

  /**
   * @param lists score's output ({@link TopLists#SCHEMA}: one row per user)
   * @param products prepare's product dictionary (product_id, product_index): the catalogue
   * @param prepared what prepare's record counts: its users and products (the catalogue), not counted again
   * @param seen prepare's interactions, or null when score excluded them
   */
  public static ScoreStats of(Dataset<Row> lists, Dataset<Row> products, Counts prepared, Dataset<Row> seen) {
    return of(lists, products, prepared, seen, SEEN_PAIRS);
  }

  /** {@link #of(Dataset, Dataset, Counts, Dataset)} with at most {@code seenPairs} seen pairs sampled. */
  static ScoreStats of(Dataset<Row> lists, Dataset<Row> products, Counts prepared, Dataset<Row> seen,
      long seenPairs) {
    long catalogue = prepared.products();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lists.sparkSession().sparkContext());
    SeenSample sample = seen == null ? null : SeenSample.of(jsc, seen, prepared.users(), seenPairs);
    // Spark's own rows (primitive arrays, not boxed values), merged on the executors in a tree: how many, the
    // scores' ranges and sums, both scores' bins, how often each product is recommended (a count array, 4 bytes
    // per product) and the sampled users' recommendations already seen. The bins need the ranges before the
    // pass: those the Parquet footers state, when the pass confirms them bit for bit; otherwise a second pass.
    JavaRDD<InternalRow> arrays = lists.select(RunLayout.USER_INDEX, TopLists.PRODUCTS, TopLists.SCORES,
        TopLists.RAW_SCORES).queryExecution().toRdd().toJavaRDD();
    FloatRanges.Range[] stated = FloatRanges.of(jsc, lists.inputFiles(), TopLists.SCORES, TopLists.RAW_SCORES)
        .orElse(null);
    Tally tally = arrays.treeAggregate(new Tally(stated, catalogue, sample), Tally::add, Tally::merge, 3);
    Tally binned = tally;
    if (!tally.binnedByItsRanges()) {
      binned = arrays.treeAggregate(new Tally(tally.ranges(), catalogue, null), Tally::add, Tally::merge, 3);
    }
    if (sample != null) {
      sample.pairs().destroy();
    }
    long rows = tally.rows;
    long users = tally.users;
    Histogram scores = binned.scores.histogram(rows, rows == 0 ? 0 : tally.published.sum / rows,
        tally.published.hi());
    Histogram rawScores = binned.rawScores.histogram(rows, rows == 0 ? 0 : tally.raw.sum / rows, tally.raw.hi());
    SortedMap<Long, Long> times = new TreeMap<>();
    for (int n : tally.timesRecommended) {
      if (n > 0) {
        times.merge((long) n, 1L, Long::sum);
      }
    }
    long recommended = times.values().stream().mapToLong(Long::longValue).sum();
    Seen seenShare = sample == null ? new Seen(true, 0, 0, 0)
        : new Seen(false, tally.checked == 0 ? 0 : (double) tally.alreadySeen / tally.checked, tally.sampledUsers,
            tally.checked);
    return new ScoreStats(rows, users, catalogue, recommended, scores, rawScores, Histogram.powersOfTwo(times),
        longTail(times, catalogue), gini(times, catalogue), mostRecommended(tally.timesRecommended, products, users),
        seenShare);
  }

  /**
   * The users whose recommendations are checked against what they have seen: every {@code every}-th user index
   * (dense indices: an even sample; the users whose index + 1 is a multiple of {@code every}), about
   * {@link #SEEN_SAMPLE} users, and their seen (user, product) pairs packed as {@code user << 32 | product},
   * sorted, for every task to look up: at most {@link #SEEN_PAIRS} of them (8 bytes each; half as many users are
   * sampled, and again, while their pairs are more). Counting from index + 1 lets the sample empty: a user whose
   * pairs alone pass the bound is left out at a rate beyond every index, where index 0 would stay in forever.
   */
  record SeenSample(long every, Broadcast<long[]> pairs) implements java.io.Serializable {

    /**
     * One pass over the seen pairs: each task keeps its sampled users' pairs, halving the sample (every second
     * sampled user) whenever they pass the bound, and the partial samples merge at the sparser of their two
     * rates. A sample is every {@code every}-th user, {@code every} the first rate times a power of two, so the
     * sparser rate's users are among the denser's: the result is exactly every user at the final rate.
     */
    static SeenSample of(JavaSparkContext jsc, Dataset<Row> seen, long users, long maxPairs) {
      Pairs sampled = seen.select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX).queryExecution().toRdd()
          .toJavaRDD().treeAggregate(new Pairs(Math.max(1, users / SEEN_SAMPLE), maxPairs), Pairs::add,
              Pairs::merge, 2);
      return new SeenSample(sampled.every(), jsc.broadcast(sampled.sorted()));
    }

    /** A partial sample: the pairs of every {@code every}-th user seen so far, at most {@code max} of them. */
    static final class Pairs implements java.io.Serializable {
      private static final long serialVersionUID = 1L;
      private final long max;
      private long every;
      private long[] packed = new long[16];
      private int n;

      Pairs(long every, long max) {
        this.every = every;
        this.max = max;
      }

      Pairs add(InternalRow pair) {
        int user = pair.getInt(0);
        if (sampled(user, every)) {
          append((long) user << 32 | pair.getInt(1) & 0xFFFFFFFFL);
          while (n > max) {
            thin(Math.multiplyExact(every, 2));
          }
        }
        return this;
      }

      Pairs merge(Pairs other) {
        thin(Math.max(every, other.every));
        other.thin(every);
        for (int i = 0; i < other.n; i++) {
          append(other.packed[i]);
        }
        while (n > max) {
          thin(Math.multiplyExact(every, 2));
        }
        return this;
      }

      long every() {
        return every;
      }

      /** A task's sample travels as its pairs only, not the spare room its array grew with. */
      private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        packed = java.util.Arrays.copyOf(packed, n);
        out.defaultWriteObject();
      }

      long[] sorted() {
        long[] pairs = java.util.Arrays.copyOf(packed, n);
        java.util.Arrays.sort(pairs);
        return pairs;
      }

      private void append(long pair) {
        if (n == packed.length) {
          packed = java.util.Arrays.copyOf(packed, Math.max(16, 2 * n));
        }
        packed[n++] = pair;
      }

      /** Keeps the pairs of every {@code rate}-th user, {@code rate} a multiple of the current one. */
      private void thin(long rate) {
        if (rate == every) {
          return;
        }
        every = rate;
        int kept = 0;
        for (int i = 0; i < n; i++) {
          if (sampled((int) (packed[i] >>> 32), every)) {
            packed[kept++] = packed[i];
          }
        }
        n = kept;
      }
    }

    boolean includes(int user) {
      return sampled(user, every);
    }

    /** Whether {@code user} is in the sample of every {@code every}-th user. */
    static boolean sampled(int user, long every) {
      return (user + 1L) % every == 0;
    }

    boolean saw(long[] sortedPairs, int user, int product) {
      return java.util.Arrays.binarySearch(sortedPairs, (long) user << 32 | product & 0xFFFFFFFFL) >= 0;
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

    /** Whether the range is {@code stated}'s, to the bit (so that -0.0 is not taken for 0.0). */
    boolean is(FloatRanges.Range stated) {
      return min > max || Float.floatToRawIntBits(min) == Float.floatToRawIntBits(stated.min())
          && Float.floatToRawIntBits(max) == Float.floatToRawIntBits(stated.max());
    }

    FloatRanges.Range asStated() {
      return new FloatRanges.Range((float) lo(), (float) hi());
    }
  }

  /**
   * One pass's sums: rows, users with a row, both scores' ranges, sums and bins (between the ranges given), how
   * many users each product is recommended to (products are dense indices; fewer than 2^31 users each), and the
   * sampled users' rows and how many of them they have seen.
   */
  private static final class Tally implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final FloatRanges.Range[] binnedBetween;
    private final SeenSample sample;
    long rows;
    long users;
    final Range published = new Range();
    final Range raw = new Range();
    final Histogram.LinearBins scores;
    final Histogram.LinearBins rawScores;
    final int[] timesRecommended;
    long sampledUsers;
    long checked;
    long alreadySeen;

    /** @param ranges the scores' ranges to bin between; null for none (the bins are then left empty) */
    Tally(FloatRanges.Range[] ranges, long catalogue, SeenSample sample) {
      this.binnedBetween = ranges;
      this.sample = sample;
      this.scores = ranges == null ? null : new Histogram.LinearBins(ranges[0].min(), ranges[0].max());
      this.rawScores = ranges == null ? null : new Histogram.LinearBins(ranges[1].min(), ranges[1].max());
      this.timesRecommended = new int[Math.toIntExact(catalogue)];
    }

    Tally add(InternalRow row) {
      int user = row.getInt(0);
      int[] products = row.getArray(1).toIntArray();
      ArrayData publishedScores = row.getArray(2);
      ArrayData rawScores = row.getArray(3);
      rows += products.length;
      users += products.length > 0 ? 1 : 0;
      published.add(publishedScores);
      raw.add(rawScores);
      for (int p : products) {
        if (p < 0 || p >= timesRecommended.length) {
          throw new IllegalStateException("score's output recommends product index " + p
              + ", outside the catalogue's 0 to " + (timesRecommended.length - 1));
        }
        timesRecommended[p]++;
      }
      if (scores != null) {
        for (int i = 0; i < products.length; i++) {
          scores.add(publishedScores.getFloat(i));
          this.rawScores.add(rawScores.getFloat(i));
        }
      }
      if (sample != null && sample.includes(user)) {
        long[] seen = sample.pairs().value();
        sampledUsers += products.length > 0 ? 1 : 0;
        checked += products.length;
        for (int p : products) {
          alreadySeen += sample.saw(seen, user, p) ? 1 : 0;
        }
      }
      return this;
    }

    Tally merge(Tally other) {
      rows += other.rows;
      users += other.users;
      published.merge(other.published);
      raw.merge(other.raw);
      if (scores != null) {
        scores.merge(other.scores);
        rawScores.merge(other.rawScores);
      }
      for (int i = 0; i < timesRecommended.length; i++) {
        timesRecommended[i] = Math.addExact(timesRecommended[i], other.timesRecommended[i]);
      }
      sampledUsers += other.sampledUsers;
      checked += other.checked;
      alreadySeen += other.alreadySeen;
      return this;
    }

    /** Whether the bins were made between the ranges the pass found (which are then exact). */
    boolean binnedByItsRanges() {
      return binnedBetween != null && published.is(binnedBetween[0]) && raw.is(binnedBetween[1]);
    }

    FloatRanges.Range[] ranges() {
      return new FloatRanges.Range[] {published.asStated(), raw.asStated()};
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
}
