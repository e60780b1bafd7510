package io.recsv.train;

import com.typesafe.config.Config;
import io.recsv.common.Outputs;
import io.recsv.common.Stage;
import io.recsv.common.StageMain;
import io.recsv.config.Settings;
import io.recsv.prepare.PrepareJob;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage 2, train: Spark ML ALS over prepare's indexed interactions. Writes {@code train.output/model}.
 */
public final class TrainJob implements Stage {

  public static final String MODEL = "model";

  private final String input;
  private final String output;
  private final String checkpointDir;
  private final ALS als;
  private final int userBlocks;
  private final int itemBlocks;

  public TrainJob(Config config) {
    Settings s = new Settings(config);
    this.input = s.requiredString("prepare.output") + "/" + PrepareJob.INTERACTIONS;
    this.output = s.requiredString("train.output");
    this.checkpointDir = s.requiredString("train.checkpoint-dir");
    this.als = new ALS()
        .setUserCol("user_index")
        .setItemCol("product_index")
        .setRatingCol("weight")
        .setImplicitPrefs(s.bool("train.implicit-prefs"))
        .setRank(s.intAtLeast("train.rank", 1))
        .setMaxIter(s.intAtLeast("train.max-iter", 1))
        .setRegParam(s.doubleAtLeast("train.reg-param", 0))
        .setAlpha(s.doubleAtLeast("train.alpha", 0))
        .setNonnegative(s.bool("train.nonnegative"))
        .setCheckpointInterval(s.intAtLeast("train.checkpoint-interval", 1))
        .setSeed(s.longValue("train.seed"));
    this.userBlocks = s.intAtLeast("train.user-blocks", 0);
    this.itemBlocks = s.intAtLeast("train.item-blocks", 0);
  }

  public static void main(String[] args) throws Exception {
    StageMain.run("train", args, TrainJob::new);
  }

  @Override
  public String run(SparkSession spark) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Dataset<Row> interactions = spark.read().parquet(Outputs.require(conf, input, "prepare").toString());
    // ALS's lineage grows with every iteration; without checkpoints long runs overflow the stack.
    spark.sparkContext().setCheckpointDir(checkpointDir);
    int parallelism = spark.sparkContext().defaultParallelism();
    als.setNumUserBlocks(userBlocks > 0 ? userBlocks : parallelism)
        .setNumItemBlocks(itemBlocks > 0 ? itemBlocks : parallelism);

    long started = System.nanoTime();
    ALSModel model = als.fit(interactions);

    Path out = Outputs.begin(conf, output);
    model.write().save(new Path(out, MODEL).toString());
    Outputs.publish(conf, output);
    return String.format("rank %d, %d iterations, %,d users x %,d products in %.1f s -> %s/%s",
        model.rank(), als.getMaxIter(), model.userFactors().count(), model.itemFactors().count(),
        (System.nanoTime() - started) / 1e9, output, MODEL);
  }
}
