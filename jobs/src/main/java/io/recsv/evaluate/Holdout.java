package io.recsv.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import io.recsv.als.FactorModel;
import io.recsv.als.Recommender;
import io.recsv.fs.ParquetRows;
import io.recsv.lineage.Counts;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.workflow.StageName;
import io.recsv.config.Settings;
import io.recsv.report.EvaluationMetrics;
import io.recsv.report.EvaluationMetrics.Ranking;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A holdout of a run's interactions ({@code evaluate.*}: the share held out, the users sampled) with what every
 * model measured on it shares: the evaluated users, the catalogue, and the popularity baseline's metrics,
 * computed once. The evaluate stage measures one model on it; {@code recsv tune} measures many.
 */
final class Holdout implements AutoCloseable {

  private final SparkSession spark;
  private final HoldoutSplit split;
  private final List<Integer> ks;
  private final long catalogue;
  private final EvaluationMetrics.Split described;
  /** The measured users are those whose index is a multiple of this (a multiple of the sample's own). */
  private final long measuredModulus;
  private List<Ranking> popularity;

  private Holdout(SparkSession spark, HoldoutSplit split, List<Integer> ks, long catalogue,
      EvaluationMetrics.Split described, long measuredModulus) {
    this.spark = spark;
    this.split = split;
    this.ks = ks;
    this.catalogue = catalogue;
    this.described = described;
    this.measuredModulus = measuredModulus;
  }

  /** The metrics' k: 10 and {@code k} (one of them when they are equal, or k is below 10). */
  static List<Integer> ks(int k) {
    return k == 10 ? List.of(10) : k < 10 ? List.of(k) : List.of(10, k);
  }

  /**
   * The split of prepare's output in {@code layout}, as the {@code evaluate.*} settings ask; {@code prepared}, its
   * record, counts its users and products, and when every user is sampled the split must hold all of its pairs.
   * {@code conf}: what its files are read with.
   */
  static Holdout of(SparkSession spark, Configuration conf, RunLayout layout, Settings s, List<Integer> ks,
      Lineage prepared) throws IOException {
    double fraction = s.doubleAtLeast("evaluate.holdout-fraction", 0);
    if (fraction <= 0 || fraction >= 1) {
      throw s.bad("evaluate.holdout-fraction", "must be more than 0 and less than 1");
    }
    int minInteractions = s.intAtLeast("evaluate.min-interactions", 2);
    long sampleUsers = s.intAtLeast("evaluate.sample-users", 1);
    long users = prepared.counts().users();
    long catalogue = prepared.counts().products();
    long every = Math.max(1, (users + sampleUsers - 1) / sampleUsers);
    // prepare's schema, with its times when its files have them (a footer read here: no job to infer it).
    boolean timed = ParquetRows.columns(conf, layout.interactions()).contains(RunLayout.TIME);
    HoldoutSplit split = HoldoutSplit.of(spark.read().schema(RunLayout.interactionsSchema(timed))
        .parquet(layout.interactions().toString()), fraction,
        minInteractions, every, s.longValue("evaluate.seed"));
    HoldoutSplit.Sizes sizes = split.sizes();
    if (every == 1) {
      Counts.requireChained(StageName.EVALUATE, "pairs in its split", sizes.trainPairs() + sizes.heldPairs(),
          prepared.counts().rows(), prepared, "every pair of every user", StageName.PREPARE);
    }
    // Ranking a user's held-out products costs a scoring of the whole catalogue: an even sample of the evaluated
    // users is enough to measure by (at 100,000 users an NDCG's standard error is about 0.001).
    long measureUsers = s.intAtLeast("evaluate.measure-users", 1);
    long measureEvery = Math.max(1, (sizes.evaluatedUsers() + measureUsers - 1) / measureUsers);
    long modulus = every * measureEvery;
    long measured = measureEvery == 1 ? sizes.evaluatedUsers() : measuredWithHoldout(split, modulus).count();
    EvaluationMetrics.Split described = new EvaluationMetrics.Split(split.method(), fraction, minInteractions, every,
        sizes.trainUsers(), sizes.evaluatedUsers(), sizes.trainPairs(), sizes.heldPairs(), measureEvery, measured);
    return new Holdout(spark, split, ks, catalogue, described, modulus);
  }

  /**
   * The split's rows of the users the metrics average over: those measured (by {@code modulus}) that have a
   * holdout.
   */
  private static Dataset<Row> measuredWithHoldout(HoldoutSplit split, long modulus) {
    return split.users().filter(size(col(HoldoutSplit.HELD)).gt(0)
        .and(col(RunLayout.USER_INDEX).mod(modulus).equalTo(0)));
  }

  /** The measured users, one row each: user_index, their held-out products ({@link HoldoutSplit#HELD}). */
  private Dataset<Row> held() {
    return measuredWithHoldout(split, measuredModulus).select(RunLayout.USER_INDEX, HoldoutSplit.HELD);
  }

  /** The rows of {@code users} (by user_index) that are measured. */
  private Dataset<Row> measured(Dataset<Row> users) {
    return users.filter(col(RunLayout.USER_INDEX).mod(measuredModulus).equalTo(0));
  }

  /** Every measured user's training products, as the scorer leaves seen products out. */
  private Dataset<Row> seen() {
    return measured(split.users()).select(col(RunLayout.USER_INDEX), col(HoldoutSplit.TRAIN).as(Recommender.SEEN));
  }

  /** (user_index, product_index, weight) to train a model on. */
  Dataset<Row> train() {
    return split.train();
  }

  EvaluationMetrics.Split described() {
    return described;
  }

  /** How well {@code model}'s lists, as {@code recommender} makes them, find the held-out products. */
  List<Ranking> measure(ALSModel model, Recommender recommender) {
    // Only the measured users' lists are made: a model of their factors and the products'. The model knows the users
    // by their places in the sample (HoldoutSplit.train): their indices again first.
    Dataset<Row> users = model.userFactors().select(split.userIndexOf(col("id")).as("id"), col("features"));
    FactorModel theirs = new FactorModel(model.uid(), model.rank(), users.filter(col("id").mod(measuredModulus)
        .equalTo(0)), model.itemFactors(), RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX);
    Dataset<Row> lists = recommender.withK(ks.get(ks.size() - 1)).topLists(spark, theirs, "the holdout model",
        recommender.excludesSeen() ? seen() : null);
    return RankingMetrics.of(lists, held(), ks, catalogue);
  }

  /**
   * The popularity baseline's metrics on the same split (computed on first use, then kept): each measured user's
   * list and held-out products come from its own row of the split, so no join.
   */
  List<Ranking> popularity() {
    if (popularity == null) {
      int k = ks.get(ks.size() - 1);
      Broadcast<int[]> ranking = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(
          Popularity.ranking(rowsOf(split.users().select(HoldoutSplit.TRAIN)), Math.toIntExact(catalogue)));
      try {
        popularity = RankingMetrics.of(rowsOf(measuredWithHoldout(split, measuredModulus)
            .select(HoldoutSplit.TRAIN, HoldoutSplit.HELD)).map(row -> new RankingMetrics.Listed(
                Popularity.list(row.getArray(0).toIntArray(), ranking.value(), k), row.getArray(1).toIntArray())),
            ks, catalogue);
      } finally {
        ranking.destroy();
      }
    }
    return popularity;
  }

  /** Spark's own rows of {@code rows}, read in place (a row is only valid until the next). */
  private static JavaRDD<InternalRow> rowsOf(Dataset<Row> rows) {
    return rows.queryExecution().toRdd().toJavaRDD();
  }

  @Override
  public void close() {
    split.close();
  }
}
