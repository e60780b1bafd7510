package io.recsv.score;

import com.typesafe.config.Config;
import io.recsv.common.Lineage;
import io.recsv.common.RunLayout;
import io.recsv.common.Stage;
import io.recsv.common.StageMain;
import io.recsv.common.StageOutput;
import io.recsv.common.UserError;
import io.recsv.config.Settings;
import io.recsv.report.ScoreStats;
import io.recsv.report.StatsFile;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage 3, score: the top {@code score.k} products of every user, with normalized scores. Publishes the run's
 * {@code score} directory with {@code top/} (user_index, product_index, rank, score, raw_score) as Parquet; rank
 * 1 is the best, ties go to the lower product index (= the lower product id), and statistics of the rows for the
 * run's report. It reads train's model and prepare's interactions (the products each user has seen) and
 * products (the catalogue), which must be of one chain.
 */
public final class ScoreJob implements Stage {

  private final Config config;
  private final RunLayout layout;
  private final String method;
  private final int k;
  private final Normalization normalization;
  private final boolean excludeSeen;
  private final int userBlockSize;
  private final int usersPerSlicePass;
  private final long itemBudgetBytes;

  public ScoreJob(Config config) {
    Settings s = new Settings(config);
    this.config = config;
    this.layout = RunLayout.of(config);
    this.method = s.oneOf("score.method", "blocked", "mllib");
    this.k = s.intAtLeast("score.k", 1);
    this.normalization = Normalization.from(s);
    this.excludeSeen = s.bool("score.exclude-seen");
    this.userBlockSize = s.intAtLeast("score.user-block-size", 1);
    this.usersPerSlicePass = s.intAtLeast("score.users-per-slice-pass", 1);
    this.itemBudgetBytes = s.intAtLeast("score.item-budget-mb", 1) * 1024L * 1024L;
    if (excludeSeen && "mllib".equals(method)) {
      throw new UserError("score.exclude-seen = true needs score.method = blocked (MLlib cannot exclude items)");
    }
  }

  public static void main(String[] args) throws Exception {
    StageMain.run("score", args, ScoreJob::new);
  }

  @Override
  public List<String> reads() {
    return List.of("train", "prepare");
  }

  @Override
  public String run(SparkSession spark) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<Lineage> inputs = Lineage.readChained(conf, layout, "score", reads());
    ALSModel model = ALSModel.load(layout.model().toString());

    Dataset<Row> top = score(spark, model);

    StageOutput out = StageOutput.begin(conf, layout, "score");
    Path topPath = new Path(out.path(), RunLayout.TOP);
    top.write().parquet(topPath.toString());
    ScoreStats stats = ScoreStats.of(spark.read().parquet(topPath.toString()),
        spark.read().parquet(layout.products().toString()), excludeSeen ? null : interactions(spark));
    Lineage lineage = Lineage.of("score", layout, config, inputs, null);
    StatsFile.write(conf, out.path(), "score", lineage.id(), stats);
    out.publish(lineage);
    return String.format("top %d by %s, %s normalization: %,d of %,d products recommended -> %s", k, method,
        normalization.name().toLowerCase().replace('_', '-'), stats.productsRecommended(), stats.catalogue(),
        layout.top());
  }

  /** The top-k rows, not yet written: what the benchmark times and the tests compare. */
  public Dataset<Row> score(SparkSession spark, ALSModel model) throws IOException {
    if ("mllib".equals(method)) {
      return new MllibScorer(k, normalization).score(model);
    }
    return new BlockedScorer(k, userBlockSize, usersPerSlicePass, itemBudgetBytes, normalization,
        layout.model().toString()).score(spark, model, excludeSeen ? interactions(spark) : null);
  }

  /** prepare's (user_index, product_index) pairs: what each user has already seen. */
  private Dataset<Row> interactions(SparkSession spark) {
    return spark.read().parquet(layout.interactions().toString()).select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX);
  }
}
