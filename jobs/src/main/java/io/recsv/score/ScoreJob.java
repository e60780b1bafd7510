package io.recsv.score;

import com.typesafe.config.Config;
import io.recsv.common.Outputs;
import io.recsv.common.Stage;
import io.recsv.common.StageMain;
import io.recsv.common.UserError;
import io.recsv.config.Settings;
import io.recsv.prepare.PrepareJob;
import io.recsv.train.TrainJob;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage 3, score: the top {@code score.k} products of every user, with normalized scores. Writes
 * {@code score.output/top} (user_index, product_index, rank, score) as Parquet; rank 1 is the best, ties go
 * to the lower product index (= the lower product id).
 */
public final class ScoreJob implements Stage {

  public static final String TOP = "top";

  private final String modelPath;
  private final String interactionsPath;
  private final String output;
  private final String method;
  private final int k;
  private final Normalization normalization;
  private final boolean excludeSeen;
  private final int userBlockSize;
  private final int usersPerSlicePass;
  private final long itemBudgetBytes;

  public ScoreJob(Config config) {
    Settings s = new Settings(config);
    this.modelPath = s.requiredString("train.output") + "/" + TrainJob.MODEL;
    this.interactionsPath = s.requiredString("prepare.output") + "/" + PrepareJob.INTERACTIONS;
    this.output = s.requiredString("score.output");
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
  public String run(SparkSession spark) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ALSModel model = ALSModel.load(Outputs.require(conf, modelPath, "train").toString());

    Dataset<Row> top = score(spark, model);

    Path out = Outputs.begin(conf, output);
    top.write().parquet(new Path(out, TOP).toString());
    Outputs.publish(conf, output);
    return String.format("top %d by %s, %s normalization -> %s/%s", k, method,
        normalization.name().toLowerCase().replace('_', '-'), output, TOP);
  }

  /** The top-k rows, not yet written: what the benchmark times and the tests compare. */
  public Dataset<Row> score(SparkSession spark, ALSModel model) throws IOException {
    if ("mllib".equals(method)) {
      return new MllibScorer(k, normalization).score(model);
    }
    Dataset<Row> seen = null;
    if (excludeSeen) {
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      seen = spark.read().parquet(Outputs.require(conf, interactionsPath, "prepare").toString())
          .select("user_index", "product_index");
    }
    return new BlockedScorer(k, userBlockSize, usersPerSlicePass, itemBudgetBytes, normalization, modelPath)
        .score(spark, model, seen);
  }
}
