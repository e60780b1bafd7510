package io.recsv.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.recsv.TestSpark;
import io.recsv.config.ConfigLoader;
import io.recsv.generate.ShopLog;
import io.recsv.lineage.RunLayout;
import io.recsv.prepare.PrepareJob;
import io.recsv.report.EvaluationMetrics;
import io.recsv.workflow.GateVerdict;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings recsv ships (config/stages) on data shaped like a shop's log ({@link ShopLog}: long tails, stars,
 * repeats, each user's latest purchases held out): the model's NDCG@100, nothing already bought recommended, is
 * at least 1.6 times the popularity baseline's. Evaluation is deterministic, so the figure is the same on every
 * machine; a change to the trainer, the scorer or the defaults that loses the margin fails here.
 */
class ShopShapedQualityTest {

  @TempDir
  Path work;

  private final SparkSession spark = TestSpark.get();

  @Test
  void theShippedSettingsBeatPopularityOnAShopsLog() throws Exception {
    Path input = work.resolve("shop.csv");
    new ShopLog(4_000, 1_500, 20, 5).write(new Configuration(), input.toString());
    Path stages = TestSpark.repoRoot().resolve("config/stages");
    Config config = ConfigLoader.load(
        List.of(stages.resolve("train.conf").toString(), stages.resolve("score.conf").toString(),
            stages.resolve("evaluate.conf").toString()),
        List.of("spark.master=local[2]", "run.root=" + work, "run.id=shop", "prepare.input=" + input,
            "prepare.columns.timestamp=timestamp"));
    assertEquals(100, config.getInt("score.k"));
    assertTrue(config.getBoolean("score.exclude-seen"), "the shipped scorer leaves out what a user bought");
    new PrepareJob(config).run(spark);
    System.out.println(new EvaluateJob(config).run(spark));
    EvaluationMetrics metrics = EvaluationMetrics.readIfExists(new Configuration(), RunLayout.of(config).metrics());
    assertEquals("latest", metrics.split().method(), "prepare kept the purchases' times: the latest are held out");
    double ratio = metrics.modelAt(100).ndcg() / metrics.popularityAt(100).ndcg();
    assertTrue(ratio >= 1.6, "NDCG@100 " + metrics.modelAt(100).ndcg() + " against popularity's "
        + metrics.popularityAt(100).ndcg() + ": " + ratio + "x");
    assertEquals(GateVerdict.Verdict.PASS, metrics.gate().verdict(), metrics.gate().reason());
  }
}
