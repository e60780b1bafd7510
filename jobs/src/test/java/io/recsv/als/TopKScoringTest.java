package io.recsv.als;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.config.UserError;
import io.recsv.prepare.PrepareJob;
import io.recsv.lineage.TopLists;
import io.recsv.score.ScoreJob;
import io.recsv.testing.SameTopK;
import io.recsv.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Exactness of the blocked scorer against MLlib's recommendForAllUsers, on models trained here. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopKScoringTest {

  private Path work;

  private final SparkSession spark = TestSpark.get();
  private ALSModel model;
  private int products;

  @BeforeAll
  void trainModel() throws Exception {
    work = Files.createTempDirectory("recsv-score-test");
    Path in = work.resolve("in.csv");
    StringBuilder text = new StringBuilder("user_id,product_id,weight\n");
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int u = 0; u < 300; u++) {
      for (int n = 0; n < 12; n++) {
        text.append(5_000_000_000L + u).append(',').append(random.nextInt(150)).append(',')
            .append(1 + random.nextInt(4)).append('\n');
      }
    }
    Files.writeString(in, text);
    new PrepareJob(TestSpark.config(work, "prepare.input=" + in)).run(spark);
    new TrainJob(TestSpark.config(work)).run(spark);
    model = ALSModel.load(work.resolve("test/train/model").toString());
    products = (int) model.itemFactors().count();
  }

  @AfterAll
  void deleteWork() {
    org.apache.hadoop.fs.FileUtil.fullyDelete(work.toFile());
  }

  private Dataset<Row> score(String... overrides) throws Exception {
    // MLlib cannot exclude seen products: the comparisons are of the plain top k unless a test asks otherwise.
    String[] all = new String[overrides.length + 2];
    all[0] = "score.normalization=none";
    all[1] = "score.exclude-seen=false";
    System.arraycopy(overrides, 0, all, 2, overrides.length);
    return TopLists.rows(new ScoreJob(TestSpark.config(work, all)).top(spark, FactorModel.of(model)));
  }

  /** Every user's top k agree by {@link SameTopK}'s rule (ties may reorder, ids may not change). */
  static void assertSameTopK(Dataset<Row> mllib, Dataset<Row> blocked) {
    Map<Integer, List<Row>> m = byUser(mllib);
    Map<Integer, List<Row>> b = byUser(blocked);
    assertEquals(m.keySet(), b.keySet(), "the same users");
    for (Map.Entry<Integer, List<Row>> e : m.entrySet()) {
      String difference = SameTopK.firstDifference(picks(e.getValue()), picks(b.get(e.getKey())));
      assertNull(difference, "user " + e.getKey() + ": " + difference);
    }
  }

  private static List<SameTopK.Pick> picks(List<Row> rows) {
    return rows.stream().map(r -> new SameTopK.Pick(r.getInt(1), r.getFloat(3))).toList();
  }

  /** Each user's rows in rank order. */
  private static Map<Integer, List<Row>> byUser(Dataset<Row> top) {
    Map<Integer, List<Row>> out = new HashMap<>();
    for (Row r : top.orderBy("user_index", "rank").collectAsList()) {
      out.computeIfAbsent(r.getInt(0), u -> new ArrayList<>()).add(r);
    }
    return out;
  }

  @Test
  void theComparisonRefusesTheRightScoreOnAWrongProduct() {
    StructType schema = new StructType().add("user_index", DataTypes.IntegerType)
        .add("product_index", DataTypes.IntegerType).add("rank", DataTypes.IntegerType)
        .add("score", DataTypes.FloatType);
    Dataset<Row> right = spark.createDataFrame(List.of(RowFactory.create(0, 5, 1, 0.9f), RowFactory.create(0, 6, 2,
        0.5f), RowFactory.create(0, 7, 3, 0.5f), RowFactory.create(0, 8, 4, 0.1f)), schema);
    Dataset<Row> tiesReordered = spark.createDataFrame(List.of(RowFactory.create(0, 5, 1, 0.9f), RowFactory.create(0,
        7, 2, 0.5f), RowFactory.create(0, 6, 3, 0.5f), RowFactory.create(0, 8, 4, 0.1f)), schema);
    Dataset<Row> wrongId = spark.createDataFrame(List.of(RowFactory.create(0, 9, 1, 0.9f), RowFactory.create(0, 6, 2,
        0.5f), RowFactory.create(0, 7, 3, 0.5f), RowFactory.create(0, 8, 4, 0.1f)), schema);
    assertSameTopK(right, tiesReordered);
    assertThrows(org.opentest4j.AssertionFailedError.class, () -> assertSameTopK(right, wrongId));
  }

  @Test
  void blockedEqualsMllib() throws Exception {
    assertSameTopK(score("score.method=mllib", "score.k=10"), score("score.method=blocked", "score.k=10"));
  }

  @Test
  void blockedEqualsMllibWhenKExceedsTheCatalogue() throws Exception {
    Dataset<Row> blocked = score("score.method=blocked", "score.k=" + (products + 20));
    assertSameTopK(score("score.method=mllib", "score.k=" + (products + 20)), blocked);
    long minPerUser = blocked.groupBy("user_index").count().agg(functions.min("count")).head().getLong(0);
    assertEquals(products, minPerUser, "every user gets the whole catalogue");
  }

  @Test
  void slicingTheItemFactorsGivesTheSameResult() throws Exception {
    // A 1 MiB budget holds ~30k items at rank 8; force slices with a tiny block of users and check equality
    // against a run where all items fit, via the kernel's slice path (budget below one slice's size).
    // Users held per slice pass: one block of 7, two blocks (groups end part-way through a partition), all.
    List<Row> whole = score("score.k=25").orderBy("user_index", "rank").collectAsList();
    for (int usersPerPass : new int[] {7, 20, 100_000}) {
      Dataset<Row> sliced = TopLists.rows(new BlockedScorer(25, 7, usersPerPass, 8L * 9 * 13, 1L << 30,
          Normalization.NONE, "m").score(spark, FactorModel.of(model), null));
      assertEquals(whole, sliced.orderBy("user_index", "rank").collectAsList(), "users per pass " + usersPerPass);
    }
    List<Row> wholeUnseen = score("score.k=25", "score.exclude-seen=true").orderBy("user_index", "rank")
        .collectAsList();
    Dataset<Row> seen = spark.read().parquet(work.resolve("test/prepare/interactions").toString())
        .select("user_index", "product_index");
    Dataset<Row> slicedUnseen = TopLists.rows(new BlockedScorer(25, 7, 20, 8L * 9 * 13, 1L << 30,
        Normalization.NONE, "m").score(spark, FactorModel.of(model), Recommender.seenLists(seen)));
    assertEquals(wholeUnseen, slicedUnseen.orderBy("user_index", "rank").collectAsList(), "seen items, sliced");
  }

  @Test
  void excludeSeenDropsInteractedProductsAndStillGivesK() throws Exception {
    Dataset<Row> top = score("score.k=20", "score.exclude-seen=true");
    Set<List<Integer>> seen = new HashSet<>();
    for (Row r : spark.read().parquet(work.resolve("test/prepare/interactions").toString()).collectAsList()) {
      seen.add(List.of(r.getInt(0), r.getInt(1)));
    }
    List<Row> rows = top.collectAsList();
    for (Row r : rows) {
      assertTrue(!seen.contains(List.of(r.getInt(0), r.getInt(1))), "seen product recommended: " + r);
    }
    assertEquals(20L * model.userFactors().count(), rows.size());
  }

  @Test
  void maxNormalizationGivesOneForTheBestAndScoresInUnitRange() throws Exception {
    List<Row> rows = score("score.k=5", "score.normalization=max").collectAsList();
    for (Row r : rows) {
      float s = r.getFloat(3);
      assertTrue(s >= 0f && s <= 1f, "in [0, 1]: " + r);
      if (r.getInt(2) == 1) {
        assertTrue(s == 1f || s == 0f, "best is 1 (or 0 when not positive): " + r);
      }
    }
  }

  @Test
  void nanInTheModelFailsNamingTheModel() throws Exception {
    Column nan = functions.lit(Float.NaN).cast("float");
    UserError e = assertThrows(UserError.class, () -> scoreWithProductZero(
        "nan", items -> functions.transform(items.col("features"), x -> nan)));
    assertTrue(e.getMessage().contains(work.resolve("nan").toString())
        && e.getMessage().contains("a non-finite factor (NaN) for product index 0"), e.getMessage());
    // A row of another length than the model's rank is as broken, and said so.
    e = assertThrows(UserError.class, () -> scoreWithProductZero("short", items -> functions.array(nan)));
    assertTrue(e.getMessage().contains("1 factors where the rank is " + model.rank() + " for product index 0"),
        e.getMessage());
  }

  /** Scores with a copy of the model whose product 0 has the given features instead of its own. */
  private void scoreWithProductZero(String name, java.util.function.Function<Dataset<Row>, Column> features)
      throws Exception {
    Path broken = work.resolve(name);
    model.write().overwrite().save(broken.toString());
    Dataset<Row> items = spark.read().parquet(broken.resolve("itemFactors").toString());
    Dataset<Row> poisoned = items.withColumn("features",
        functions.when(items.col("id").equalTo(0), features.apply(items)).otherwise(items.col("features")));
    Path rewritten = work.resolve(name + "-itemFactors");
    poisoned.write().parquet(rewritten.toString());
    org.apache.hadoop.fs.FileUtil.fullyDelete(broken.resolve("itemFactors").toFile());
    Files.move(rewritten, broken.resolve("itemFactors"));
    ALSModel bad = ALSModel.load(broken.toString());
    new BlockedScorer(5, 16, 16, 1 << 20, 1L << 30, Normalization.MAX, broken.toString())
        .score(spark, FactorModel.of(bad), null);
  }

  @Test
  void excludeSeenWithMllibIsRefusedUpFront() {
    UserError e = assertThrows(UserError.class, () -> new ScoreJob(TestSpark.config(work, "score.method=mllib",
        "score.exclude-seen=true")));
    assertTrue(e.getMessage().contains("score.exclude-seen"), e.getMessage());
  }
}
