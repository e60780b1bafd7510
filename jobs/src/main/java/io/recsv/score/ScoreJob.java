package io.recsv.score;

import io.recsv.lineage.Counts;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.als.FactorModel;
import io.recsv.als.Recommender;
import io.recsv.als.SavedModel;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import io.recsv.run.StageJob;
import io.recsv.run.StageContext;
import io.recsv.run.StageMain;
import io.recsv.lineage.StageOutput;
import io.recsv.config.UserError;
import io.recsv.config.Settings;
import io.recsv.report.ScoreStats;
import io.recsv.report.StatsFile;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage 3, score: the top {@code score.k} products of every user, with normalized scores. Publishes the run's
 * {@code score} directory with {@code top/} as Parquet, one row per user ({@link TopLists#SCHEMA}: its products,
 * scores and raw scores, best first; ties go to the lower product index, = the lower product id), and statistics
 * of the recommendations for the run's report. It reads train's model and prepare's interactions (the products each user has seen) and
 * products (the catalogue), which must be of one chain.
 */
public final class ScoreJob extends StageJob {

  private final Recommender recommender;

  public ScoreJob(Config config) {
    super(StageName.SCORE, config);
    this.recommender = Recommender.from(new Settings(config));
  }

  public static void main(String[] args) throws Exception {
    StageMain.run(StageName.SCORE, args, ScoreJob::new);
  }

  @Override
  public List<StageName> reads() {
    return List.of(StageName.TRAIN, StageName.PREPARE);
  }

  @Override
  public String run(StageContext context) throws IOException {
    SparkSession spark = context.spark();
    Configuration conf = context.hadoop();
    List<Lineage> inputs = context.inputs(reads());
    FactorModel model = SavedModel.read(spark, layout.model().toString());

    Dataset<Row> top = top(spark, model);

    StageOutput out = context.output();
    Path topPath = new Path(out.path(), RunLayout.TOP);
    TopLists.write(top, topPath.toString());
    // Read back with the schemas known (no job to infer them); the catalogue and the users as prepare counted them.
    Lineage prepared = inputs.get(reads().indexOf(StageName.PREPARE));
    ScoreStats stats = ScoreStats.of(spark.read().schema(TopLists.SCHEMA).parquet(topPath.toString()),
        spark.read().schema(RunLayout.productsSchema()).parquet(layout.products().toString()), prepared.counts(),
        recommender.excludesSeen() ? null : interactions(spark));
    Lineage lineage = context.record(inputs, null).withCounts(requireEveryUser(stats, prepared));
    StatsFile.write(conf, out.path(), StageName.SCORE, lineage.id(), stats);
    out.publish(lineage);
    return String.format("%s: %,d of %,d products recommended -> %s", recommender.describe(),
        stats.productsRecommended(), stats.catalogue(), layout.top());
  }

  /**
   * Every user of prepare's output has rows, but those with nothing left to recommend (seen products excluded,
   * the whole catalogue seen), and at most k each: a user without rows would be missing from the CSV.
   */
  private Counts requireEveryUser(ScoreStats stats, Lineage prepared) {
    Counts p = prepared.counts();
    long nothingLeft = recommender.excludesSeen() ? p.usersWithEveryProduct() : 0;
    Counts.requireChained(StageName.SCORE, "users' recommendations", stats.users(), p.users() - nothingLeft,
        prepared, String.format("%,d users, %,d of whom have seen every product", p.users(), nothingLeft),
        StageName.SCORE);
    long atMostPerUser = Math.min(recommender.k(), p.products());
    if (stats.rows() < stats.users() || stats.rows() > stats.users() * atMostPerUser) {
      throw new UserError(String.format("score made %,d rows for %,d users: not between 1 and %,d (k = %d, %,d"
          + " products) each; nothing was published; rerun from 'score'", stats.rows(), stats.users(),
          atMostPerUser, recommender.k(), p.products()));
    }
    return new Counts(stats.rows(), stats.users(), null, null);
  }

  /** Every user's top k ({@link TopLists#SCHEMA}), not yet written: what the benchmark times and the tests compare. */
  public Dataset<Row> top(SparkSession spark, FactorModel model) {
    return recommender.topLists(spark, model, layout.model().toString(),
        recommender.excludesSeen() ? Recommender.seenLists(interactions(spark)) : null);
  }

  /** prepare's (user_index, product_index) pairs: what each user has already seen. */
  private Dataset<Row> interactions(SparkSession spark) {
    return spark.read().schema(RunLayout.interactionsSchema(false)).parquet(layout.interactions().toString())
        .select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX);
  }
}
