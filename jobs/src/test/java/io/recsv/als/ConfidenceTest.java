package io.recsv.als;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.config.Settings;
import io.recsv.config.UserError;
import io.recsv.lineage.RunLayout;
import io.recsv.prepare.PrepareJob;
import io.recsv.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * train.confidence and train.weighting: the weights each gives, computed by hand on a matrix small enough to check
 * on paper; what the weighting is for (a heavy user's and a blockbuster's pairs weigh less); nothing lost or
 * reordered from run to run; both solvers fit the weights it gives; settings that cannot apply are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfidenceTest {

  private final SparkSession spark = TestSpark.get();
  private Path work;

  @BeforeAll
  void work() throws Exception {
    work = Files.createTempDirectory("recsv-confidence-test");
  }

  @AfterAll
  void deleteWork() {
    org.apache.hadoop.fs.FileUtil.fullyDelete(work.toFile());
  }

  private Confidence confidence(String... overrides) {
    return Confidence.from(new Settings(TestSpark.config(work, overrides)));
  }

  /**
   * Users 0 to 2, products 0 to 3. User 0 is the heavy one (all four products), product 0 the blockbuster (every
   * user, weight 5 from user 2); user 1 has a disliked product (a negative weight) and a zero.
   */
  private Dataset<Row> small() {
    List<Row> rows = List.of(
        RowFactory.create(0, 0, 1f), RowFactory.create(0, 1, 1f), RowFactory.create(0, 2, 1f),
        RowFactory.create(0, 3, 1f),
        RowFactory.create(1, 0, 1f), RowFactory.create(1, 1, -2f), RowFactory.create(1, 3, 0f),
        RowFactory.create(2, 0, 5f), RowFactory.create(2, 2, 1f));
    return spark.createDataFrame(rows, RunLayout.interactionsSchema(false));
  }

  private static Map<List<Integer>, Float> weights(Dataset<Row> weighed) {
    Map<List<Integer>, Float> out = new HashMap<>();
    for (Row r : weighed.collectAsList()) {
      Float before = out.put(List.of(r.getInt(0), r.getInt(1)), r.getFloat(2));
      assertEquals(null, before, "pair " + r + " appears twice");
    }
    return out;
  }

  @Test
  void linearLeavesTheWeightsAsTheyAreAndLogDampsRepeats() {
    assertTrue(confidence().isLinear(), "the default is the linear form, unweighed");
    Map<List<Integer>, Float> log = weights(confidence("train.confidence=log", "train.epsilon=0.5").apply(small()));
    assertEquals(9, log.size());
    assertEquals((float) Math.log(1 + 1 / 0.5), log.get(List.of(0, 0)), 1e-6f);
    assertEquals((float) Math.log(1 + 5 / 0.5), log.get(List.of(2, 0)), 1e-6f);
    assertEquals((float) -Math.log(1 + 2 / 0.5), log.get(List.of(1, 1)), 1e-6f, "a dislike stays one");
    assertEquals(0f, log.get(List.of(1, 3)));
  }

  @Test
  void bm25WeighsAsWorkedOutByHand() {
    Map<List<Integer>, Float> w = weights(confidence("train.weighting=bm25", "train.bm25.k1=2",
        "train.bm25.b=0.5").apply(small()));
    assertEquals(9, w.size(), "every pair, once");
    // P = 4 products. Products' total |weight|: 0: 1+1+5 = 7, 1: 1+2 = 3, 2: 1+1 = 2, 3: 1+0 = 1; mean 13/4.
    // L(0) = 0.5 + 0.5 * 7 / 3.25 = 1.576923; idf(user 0, n = 4) = ln(1 + 0.5 / 4.5) = 0.105361;
    // idf(user 2, n = 2) = ln(1 + 2.5 / 2.5) = ln 2.
    double l0 = 0.5 + 0.5 * 7 / 3.25;
    double idfHeavy = Math.log(1 + 0.5 / 4.5);
    double idf2 = Math.log(2);
    assertEquals((float) (1 * 3 / (2 * l0 + 1) * idfHeavy), w.get(List.of(0, 0)), 1e-6f);
    assertEquals((float) (5 * 3 / (2 * l0 + 5) * idf2), w.get(List.of(2, 0)), 1e-6f);
    double l2 = 0.5 + 0.5 * 2 / 3.25;
    assertEquals((float) (1 * 3 / (2 * l2 + 1) * idf2), w.get(List.of(2, 2)), 1e-6f);
    // User 1 (n = 3): idf ln(1 + 1.5 / 3.5); its dislike keeps its sign, its zero stays zero.
    double l1 = 0.5 + 0.5 * 3 / 3.25;
    assertEquals((float) (-2 * 3 / (2 * l1 + 2) * Math.log(1 + 1.5 / 3.5)), w.get(List.of(1, 1)), 1e-6f);
    assertEquals(0f, w.get(List.of(1, 3)));
    // What it is for: the same weight 1 on product 2 counts less from the heavy user than from user 2, and the
    // same user's weight 1 counts less on the blockbuster than on product 2.
    assertTrue(w.get(List.of(0, 2)) < w.get(List.of(2, 2)), "heavy user damped: " + w);
    assertTrue(w.get(List.of(0, 0)) < w.get(List.of(0, 2)), "blockbuster damped: " + w);
  }

  @Test
  void tfidfWeighsAsWorkedOutByHand() {
    Map<List<Integer>, Float> w = weights(confidence("train.confidence=log", "train.weighting=tfidf")
        .apply(small()));
    // The log form first (epsilon 1), then sqrt(w) (ln((1 + P) / (1 + n)) + 1) with P = 4.
    assertEquals((float) (Math.sqrt(Math.log(6)) * (Math.log(5.0 / 3) + 1)), w.get(List.of(2, 0)), 1e-6f);
    assertEquals((float) (Math.sqrt(Math.log(2)) * (Math.log(5.0 / 5) + 1)), w.get(List.of(0, 3)), 1e-6f);
    assertEquals((float) (-Math.sqrt(Math.log(3)) * (Math.log(5.0 / 4) + 1)), w.get(List.of(1, 1)), 1e-6f);
  }

  @Test
  void theSameRowsInTheSameOrderOnEveryRunSoTrainingIsReproducible() throws Exception {
    Path prepared = work.resolve("movielens");
    new PrepareJob(TestSpark.config(prepared, "prepare.input=" + SharedData.movieLensSample(),
        "prepare.csv.header=false", "prepare.csv.delimiter=::")).run(spark);
    Dataset<Row> movieLens = spark.read().parquet(prepared.resolve("test/prepare/interactions").toString());
    Confidence bm25 = confidence("train.confidence=log", "train.weighting=bm25");
    List<Row> first = bm25.apply(movieLens).collectAsList();
    // Another partitioning of the same pairs: the same rows in the same order per user.
    List<Row> second = bm25.apply(movieLens.repartition(3)).collectAsList();
    assertEquals(movieLens.count(), first.size(), "every pair is trained on, once");
    assertEquals(perUser(first), perUser(second));

    // Both solvers fit the weights it gives: their objectives on the weighed pairs within 3% of each other.
    Dataset<Row> weighed = bm25.apply(movieLens).cache();
    List<String> settings = new ArrayList<>(List.of("train.rank=10", "train.max-iter=10", "train.reg-param=0.05",
        "train.alpha=2", "train.confidence=log", "train.weighting=bm25"));
    ALSModel recsv = fit(movieLens, settings, "train.method=recsv");
    ALSModel mllib = fit(movieLens, settings, "train.method=mllib");
    double a = AlsObjective.of(weighed, recsv, 0.05, 2, true);
    double b = AlsObjective.of(weighed, mllib, 0.05, 2, true);
    // And on weights other than these (the prepared ones), both are worse: the weights reached the solvers.
    double aPrepared = AlsObjective.of(weighed, fit(movieLens, List.of("train.rank=10", "train.max-iter=10",
        "train.reg-param=0.05", "train.alpha=2"), "train.method=recsv"), 0.05, 2, true);
    weighed.unpersist();
    assertTrue(Math.abs(a / b - 1) <= 0.03, "objective on the weighed pairs: recsv " + a + ", mllib " + b);
    assertTrue(aPrepared > 1.05 * a, "a model of the unweighed pairs fits the weighed ones no better: " + aPrepared
        + " against " + a);
    System.out.printf("bm25 on the MovieLens sample: objective recsv %.2f, mllib %.2f; unweighed model %.2f%n", a, b,
        aPrepared);
  }

  private ALSModel fit(Dataset<Row> interactions, List<String> settings, String method) {
    List<String> all = new ArrayList<>(settings);
    all.add(method);
    return AlsTrainer.from(new Settings(TestSpark.config(work, all.toArray(String[]::new))))
        .fit(spark, interactions, work.resolve("checkpoints").toString()).model();
  }

  private static Map<Integer, List<Row>> perUser(List<Row> rows) {
    Map<Integer, List<Row>> out = new HashMap<>();
    for (Row r : rows) {
      out.computeIfAbsent(r.getInt(0), u -> new ArrayList<>()).add(r);
    }
    return out;
  }

  @Test
  void whatCannotApplyIsRefusedNamingTheKey() {
    UserError explicit = assertThrows(UserError.class, () -> confidence("train.implicit-prefs=false",
        "train.confidence=log"));
    assertTrue(explicit.getMessage().contains("train.confidence") && explicit.getMessage().contains("implicit"),
        explicit.getMessage());
    UserError weighting = assertThrows(UserError.class, () -> confidence("train.weighting=idf"));
    assertTrue(weighting.getMessage().contains("train.weighting") && weighting.getMessage().contains("bm25"),
        weighting.getMessage());
    assertThrows(UserError.class, () -> confidence("train.epsilon=0"));
    assertThrows(UserError.class, () -> confidence("train.bm25.b=1.5"));

    Dataset<Row> huge = spark.createDataFrame(List.of(RowFactory.create(0, 0, 1e31f), RowFactory.create(1, 0, 1f)),
        RunLayout.interactionsSchema(false));
    UserError tooLarge = assertThrows(UserError.class, () -> fit(huge, List.of("train.weighting=bm25"),
        "train.method=recsv"));
    assertTrue(tooLarge.getMessage().startsWith("train.weighting bm25: the interactions' weights add up to 1e30"),
        tooLarge.getMessage());
  }
}
