package io.recsv.report;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.lineage.Counts;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the report says score recommended, computed where score's lists lie, against the same figures computed
 * in plain Java from the same lists: rows, users, each score's distribution, how often each product is
 * recommended (coverage, the long tail, Gini, the most recommended with their ids).
 */
class ScoreStatsTest {

  private static final int CATALOGUE = 40;
  private final SparkSession spark = TestSpark.get();

  @TempDir
  Path dir;

  @Test
  void theFiguresAreThoseOfTheListsComputedOneByOne() {
    theFiguresOf(frame -> frame);
  }

  /** Read back from Parquet, the scores' ranges come from the footers and one pass makes every figure. */
  @Test
  void theFiguresOfListsReadFromParquetAreTheSame() {
    theFiguresOf(frame -> {
      String out = dir.resolve("top").toString();
      frame.write().parquet(out);
      return spark.read().parquet(out);
    });
  }

  /**
   * Parquet's reader states a minimum of +0.0 as -0.0: the pass finds the ranges not those stated, bins again,
   * and the report says 0.0.
   */
  @Test
  void rangesTheFootersStateOtherwiseAreFoundAndBinnedAgain() {
    List<Row> lists = new ArrayList<>();
    for (int user = 0; user < 100; user++) {
      lists.add(RowFactory.create(user, new Integer[] {user % CATALOGUE, (user + 1) % CATALOGUE},
          new Float[] {1f, user % 2 == 0 ? 0f : 0.25f}, new Float[] {2f, 0f}));
    }
    String out = dir.resolve("zeros").toString();
    spark.createDataFrame(lists, TopLists.SCHEMA).write().parquet(out);

    ScoreStats stats = ScoreStats.of(spark.read().parquet(out), catalogue(), prepared(100), null);

    assertEquals(0, Double.compare(0.0, stats.scores().min()), "min " + stats.scores().min());
    assertEquals(0, Double.compare(0.0, stats.rawScores().min()), "min " + stats.rawScores().min());
    assertEquals(50, stats.scores().bins().get(0).count());
    assertEquals(50, stats.scores().bins().get(Histogram.LINEAR_BINS / 4).count());
    assertEquals(100, stats.scores().bins().get(Histogram.LINEAR_BINS - 1).count());
    assertEquals(100, stats.rawScores().bins().get(0).count());
  }

  /**
   * Recommendations already seen, counted over every n-th user: about {@link ScoreStats#SEEN_SAMPLE} users, fewer
   * when their seen pairs would be more than the bound.
   */
  @Test
  void theSeenShareIsCountedOverAnEvenSampleOfUsersWithinTheBound() {
    int users = 25_000;
    List<Row> lists = new ArrayList<>();
    List<Row> seen = new ArrayList<>();
    for (int user = 0; user < users; user++) {
      lists.add(RowFactory.create(user, new Integer[] {user % CATALOGUE, (user + 1) % CATALOGUE},
          new Float[] {1f, 0.5f}, new Float[] {1f, 0.5f}));
      seen.add(RowFactory.create(user, user % CATALOGUE));
      seen.add(RowFactory.create(user, (user + 7) % CATALOGUE));
      if (user % 3 == 0) {
        seen.add(RowFactory.create(user, (user + 1) % CATALOGUE));
      }
    }
    Dataset<Row> frame = spark.createDataFrame(lists, TopLists.SCHEMA).repartition(3);
    Dataset<Row> pairs = spark.createDataFrame(seen, new StructType()
        .add(RunLayout.USER_INDEX, DataTypes.IntegerType).add(RunLayout.PRODUCT_INDEX, DataTypes.IntegerType));

    // The same pairs in two uneven partitions: the first thins its sample to every 8th user, the second keeps every
    // 2nd, and their merge must be every 8th of both.
    Dataset<Row> uneven = pairs.filter(col(RunLayout.USER_INDEX).lt(20_000)).coalesce(1)
        .union(pairs.filter(col(RunLayout.USER_INDEX).geq(20_000)).coalesce(1));
    record Case(int every, long bound, Dataset<Row> seenPairs) {}
    // 25,000 users: every 2nd; their 29,167 pairs within 4,194,304; then within 10,000 pairs: every 8th.
    for (Case c : List.of(new Case(2, 1 << 22, pairs), new Case(8, 10_000, pairs), new Case(8, 10_000, uneven))) {
      ScoreStats.Seen share = ScoreStats.of(frame, catalogue(), prepared(users), c.seenPairs(), c.bound()).seen();

      int every = c.every();
      long sampled = 0;
      long alreadySeen = 0;
      for (int user = every - 1; user < users; user += every) {
        sampled++;
        alreadySeen += 1 + (user % 3 == 0 ? 1 : 0);
      }
      assertEquals(new ScoreStats.Seen(false, alreadySeen / (2.0 * sampled), sampled, 2 * sampled), share,
          "every " + every + "th user");
      // The sample holds exactly the sampled users' pairs, sorted: no pair of a user the sample dropped.
      ScoreStats.SeenSample sample = ScoreStats.SeenSample.of(JavaSparkContext.fromSparkContext(spark.sparkContext()),
          c.seenPairs(), users, c.bound());
      long[] expected = seen.stream().filter(r -> (r.getInt(0) + 1) % every == 0)
          .mapToLong(r -> (long) r.getInt(0) << 32 | r.getInt(1)).sorted().toArray();
      assertEquals(every, sample.every());
      assertArrayEquals(expected, sample.pairs().value(), "every " + every + "th user's pairs");
    }
  }

  /**
   * Two tasks' samples merge at the sparser one's rate whichever comes first: the denser one's pairs of users the
   * sparser rate leaves out are dropped, not kept past the bound.
   */
  @Test
  void partialSamplesMergeAtTheSparserRateInEitherOrder() {
    for (boolean sparserFirst : new boolean[] {true, false}) {
      ScoreStats.SeenSample.Pairs dense = samplePairs(100, 110, 6);   // 5 pairs at every 2nd user
      ScoreStats.SeenSample.Pairs sparse = samplePairs(0, 40, 6);     // 20, then 10, then 5 pairs: every 8th
      assertEquals(2, dense.every());
      assertEquals(8, sparse.every());

      ScoreStats.SeenSample.Pairs merged = sparserFirst ? sparse.merge(dense) : dense.merge(sparse);

      assertEquals(8, merged.every());
      assertArrayEquals(java.util.stream.LongStream.of(7, 15, 23, 31, 39, 103).map(u -> u << 32 | 7).toArray(),
          merged.sorted(), sparserFirst ? "sparser first" : "denser first");
    }
  }

  /** A user whose pairs alone pass the bound leaves the sample (then empty), rather than failing the stage. */
  @Test
  void aUserWithMorePairsThanTheBoundIsLeftOut() {
    ScoreStats.SeenSample.Pairs pairs = new ScoreStats.SeenSample.Pairs(1, 6);
    for (int product = 0; product < 10; product++) {
      pairs.add(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {0, product}));
    }
    assertEquals(0, pairs.sorted().length);
    assertTrue(!ScoreStats.SeenSample.sampled(0, pairs.every()), "user 0 at every " + pairs.every());
  }

  /** Users {@code from} to {@code to} (excluded), each with product 7, sampled from every 2nd within {@code max}. */
  private static ScoreStats.SeenSample.Pairs samplePairs(int from, int to, long max) {
    ScoreStats.SeenSample.Pairs pairs = new ScoreStats.SeenSample.Pairs(2, max);
    for (int user = from; user < to; user++) {
      pairs.add(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {user, 7}));
    }
    return pairs;
  }

  private void theFiguresOf(java.util.function.UnaryOperator<Dataset<Row>> stored) {
    Random random = new Random(3);
    List<Row> lists = new ArrayList<>();
    List<int[]> products = new ArrayList<>();
    List<float[]> raw = new ArrayList<>();
    List<float[]> published = new ArrayList<>();
    for (int user = 0; user < 500; user++) {
      int n = user % 50 == 0 ? 0 : 1 + random.nextInt(10);  // some users with nothing left to recommend
      int[] p = new int[n];
      float[] r = new float[n];
      float[] s = new float[n];
      for (int i = 0; i < n; i++) {
        p[i] = (int) Math.min(CATALOGUE - 11, Math.abs(random.nextGaussian()) * 8);  // a head; 10 never shown
        r[i] = (float) (random.nextGaussian() * 3);
        s[i] = random.nextFloat();
      }
      products.add(p);
      raw.add(r);
      published.add(s);
      lists.add(RowFactory.create(user, box(p), box(s), box(r)));
    }
    lists.set(1, RowFactory.create(1, new Integer[] {CATALOGUE - 11}, new Float[] {1f}, new Float[] {-9f}));
    products.set(1, new int[] {CATALOGUE - 11});
    published.set(1, new float[] {1f});
    raw.set(1, new float[] {-9f});
    Dataset<Row> frame = stored.apply(spark.createDataFrame(lists, TopLists.SCHEMA).repartition(4));
    ScoreStats stats = ScoreStats.of(frame, catalogue(), prepared(lists.size()), null);

    long rows = products.stream().mapToLong(p -> p.length).sum();
    assertEquals(rows, stats.rows());
    assertEquals(products.stream().filter(p -> p.length > 0).count(), stats.users());
    assertEquals(CATALOGUE, stats.catalogue());
    long[] times = new long[CATALOGUE];
    products.forEach(p -> {
      for (int i : p) {
        times[i]++;
      }
    });
    SortedMap<Long, Long> frequencies = new TreeMap<>();
    for (long t : times) {
      if (t > 0) {
        frequencies.merge(t, 1L, Long::sum);
      }
    }
    assertEquals(frequencies.values().stream().mapToLong(Long::longValue).sum(), stats.productsRecommended());
    assertEquals(ScoreStats.gini(frequencies, CATALOGUE), stats.gini(), 0);
    assertEquals(ScoreStats.longTail(frequencies, CATALOGUE), stats.longTail());
    assertEquals(Histogram.powersOfTwo(frequencies), stats.timesRecommended());
    List<Integer> byTimes = new ArrayList<>();
    for (int i = 0; i < CATALOGUE; i++) {
      if (times[i] > 0) {
        byTimes.add(i);
      }
    }
    byTimes.sort(Comparator.comparingLong((Integer i) -> -times[i]).thenComparingInt(i -> i));
    assertEquals(ScoreStats.TOP_PRODUCTS, stats.mostRecommended().size());
    for (int k = 0; k < ScoreStats.TOP_PRODUCTS; k++) {
      int index = byTimes.get(k);
      assertEquals(new ScoreStats.TopProduct(id(index), times[index], times[index] / (double) stats.users()),
          stats.mostRecommended().get(k), "the " + (k + 1) + "th most recommended");
    }
    assertDistribution(published, stats.scores());
    assertDistribution(raw, stats.rawScores());
    assertTrue(stats.seen().excluded());
  }

  @Test
  void aProductOutsideTheCatalogueIsRefusedNotCountedElsewhere() {
    Dataset<Row> frame = spark.createDataFrame(List.of(RowFactory.create(0, new Integer[] {CATALOGUE},
        new Float[] {1f}, new Float[] {1f})), TopLists.SCHEMA);
    Exception e = assertThrows(Exception.class, () -> ScoreStats.of(frame, catalogue(), prepared(1), null));
    assertTrue(String.valueOf(e.getMessage()).contains("product index " + CATALOGUE), e.getMessage());
  }

  private static void assertDistribution(List<float[]> values, Histogram h) {
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    double sum = 0;
    long n = 0;
    for (float[] v : values) {
      for (float x : v) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
        sum += x;
        n++;
      }
    }
    assertEquals(n, h.values());
    assertEquals(lo, h.min(), 0);
    assertEquals(hi, h.max(), 0);
    assertEquals(sum / n, h.mean(), 1e-9);
    double width = (hi - lo) / Histogram.LINEAR_BINS;
    long[] bins = new long[Histogram.LINEAR_BINS];
    for (float[] v : values) {
      for (float x : v) {
        bins[Math.min(Histogram.LINEAR_BINS - 1, (int) Math.floor((x - lo) / width))]++;
      }
    }
    for (int i = 0; i < bins.length; i++) {
      assertEquals(bins[i], h.bins().get(i).count(), "bin " + i);
    }
  }

  private static long id(int index) {
    return 1_000_000_007L * index + 3;
  }

  private Dataset<Row> catalogue() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < CATALOGUE; i++) {
      rows.add(RowFactory.create(id(i), i));
    }
    return spark.createDataFrame(rows, new StructType().add(RunLayout.PRODUCT_ID, DataTypes.LongType)
        .add(RunLayout.PRODUCT_INDEX, DataTypes.IntegerType));
  }

  /** prepare's counts for {@code users} users over the catalogue. */
  private static Counts prepared(long users) {
    return new Counts(null, users, (long) CATALOGUE, null);
  }

  private static Integer[] box(int[] values) {
    return java.util.Arrays.stream(values).boxed().toArray(Integer[]::new);
  }

  private static Float[] box(float[] values) {
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
