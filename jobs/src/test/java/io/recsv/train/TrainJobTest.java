package io.recsv.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.prepare.PrepareJob;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainJobTest {

  @TempDir
  Path work;

  private final SparkSession spark = TestSpark.get();

  @Test
  void mllibTrainsWithTheConfiguredParametersCheckpointsAndPublishesTheModel() throws Exception {
    prepare();
    String summary = new TrainJob(TestSpark.config(work, "train.method=mllib", "train.rank=5", "train.max-iter=4",
        "train.checkpoint-interval=2")).run(spark);

    ALSModel model = ALSModel.load(work.resolve("test/train/model").toString());
    assertEquals(5, model.rank());
    assertEquals(40, model.userFactors().count());
    assertTrue(summary.contains("rank 5, 4 iterations by mllib"), summary);
    assertEquals(work.resolve("test/checkpoints").toUri().getPath().replaceAll("/$", ""),
        new org.apache.hadoop.fs.Path(spark.sparkContext().getCheckpointDir().get()).getParent().toUri().getPath(),
        "ALS checkpoints into the run's directory");
    assertFalse(Files.exists(work.resolve("test/checkpoints")), "and they are removed once the model is published");
    assertTrue(!Files.exists(work.resolve("test/train._writing")), "published atomically");
  }

  @Test
  void recsvPublishesAModelMllibReadsAndLeavesNoCheckpoints() throws Exception {
    prepare();
    String summary = new TrainJob(TestSpark.config(work, "train.method=recsv", "train.rank=5", "train.max-iter=4"))
        .run(spark);
    ALSModel model = ALSModel.load(work.resolve("test/train/model").toString());
    assertEquals(5, model.rank());
    assertEquals(40, model.userFactors().count());
    assertEquals(25, model.itemFactors().count());
    assertEquals("user_index", model.getUserCol());
    assertTrue(summary.contains("rank 5, 4 iterations by recsv"), summary);
    assertFalse(Files.exists(work.resolve("test/checkpoints")), "its lineage does not grow: nothing to checkpoint");
  }

  @Test
  void recsvsConjugateGradientCheckpointsAndRemovesTheCheckpoints() throws Exception {
    prepare();
    String summary = new TrainJob(TestSpark.config(work, "train.method=recsv", "train.solver=cg", "train.rank=5",
        "train.max-iter=4", "train.checkpoint-interval=1")).run(spark);
    assertTrue(summary.contains("4 iterations by recsv (conjugate gradient, 3 steps)"), summary);
    assertEquals(40, ALSModel.load(work.resolve("test/train/model").toString()).userFactors().count());
    assertFalse(Files.exists(work.resolve("test/checkpoints")), "checkpoints removed once the model is published");
  }

  private void prepare() throws Exception {
    Path in = work.resolve("in.csv");
    StringBuilder text = new StringBuilder("user_id,product_id,weight\n");
    for (int u = 0; u < 40; u++) {
      for (int p = 0; p < 6; p++) {
        text.append(7_000_000_000L + u).append(',').append((u * 7 + p * 3) % 25).append(",1\n");
      }
    }
    Files.writeString(in, text);
    new PrepareJob(TestSpark.config(work, "prepare.input=" + in)).run(spark);
  }
}
