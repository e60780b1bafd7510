package io.recsv.als;

import io.recsv.common.RunLayout;
import io.recsv.config.Settings;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark ML's ALS as the {@code train.*} settings ask, over (user_index, product_index, weight) rows: the train
 * stage fits the week's model with it, the evaluate stage its holdout model.
 */
public final class AlsTrainer {

  private final ALS als;
  private final int userBlocks;
  private final int itemBlocks;

  private AlsTrainer(ALS als, int userBlocks, int itemBlocks) {
    this.als = als;
    this.userBlocks = userBlocks;
    this.itemBlocks = itemBlocks;
  }

  /** From the {@code train.*} settings, checked. */
  public static AlsTrainer from(Settings s) {
    ALS als = new ALS()
        .setUserCol(RunLayout.USER_INDEX)
        .setItemCol(RunLayout.PRODUCT_INDEX)
        .setRatingCol(RunLayout.WEIGHT)
        .setImplicitPrefs(s.bool("train.implicit-prefs"))
        .setRank(s.intAtLeast("train.rank", 1))
        .setMaxIter(s.intAtLeast("train.max-iter", 1))
        .setRegParam(s.doubleAtLeast("train.reg-param", 0))
        .setAlpha(s.doubleAtLeast("train.alpha", 0))
        .setNonnegative(s.bool("train.nonnegative"))
        .setCheckpointInterval(s.intAtLeast("train.checkpoint-interval", 1))
        .setSeed(s.longValue("train.seed"));
    return new AlsTrainer(als, s.intAtLeast("train.user-blocks", 0), s.intAtLeast("train.item-blocks", 0));
  }

  public int maxIter() {
    return als.getMaxIter();
  }

  /**
   * Fits the model. ALS's lineage grows with every iteration; without checkpoints (into {@code checkpointDir})
   * long runs overflow the stack.
   */
  public ALSModel fit(SparkSession spark, Dataset<Row> interactions, String checkpointDir) {
    spark.sparkContext().setCheckpointDir(checkpointDir);
    int parallelism = spark.sparkContext().defaultParallelism();
    ALS copy = als.copy(als.extractParamMap());
    copy.setNumUserBlocks(userBlocks > 0 ? userBlocks : parallelism)
        .setNumItemBlocks(itemBlocks > 0 ? itemBlocks : parallelism);
    return copy.fit(interactions);
  }
}
