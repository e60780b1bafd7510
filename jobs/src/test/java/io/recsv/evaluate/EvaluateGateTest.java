package io.recsv.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.recsv.TestSpark;
import io.recsv.generate.Generator;
import io.recsv.lineage.RunLayout;
import io.recsv.prepare.PrepareJob;
import io.recsv.report.EvaluationMetrics;
import io.recsv.workflow.GateVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate on real data: interactions with a planted taste structure pass it; the same interactions with their
 * products shuffled (every user keeps as many, of the same popularity overall, but at random) are refused, and
 * the verdict names the metric, its value and the threshold.
 */
class EvaluateGateTest {

  @TempDir
  Path work;

  private final SparkSession spark = TestSpark.get();

  private EvaluationMetrics evaluate(Path input, String runId, String... more) throws Exception {
    List<String> overrides = new ArrayList<>(List.of("prepare.input=" + input, "run.id=" + runId, "score.k=20",
        "train.rank=10", "train.max-iter=8", "evaluate.candidates.enabled=false"));
    overrides.addAll(List.of(more));
    Config config = TestSpark.config(work, overrides.toArray(String[]::new));
    new PrepareJob(config).run(spark);
    System.out.println(new EvaluateJob(config).run(spark));
    RunLayout layout = RunLayout.of(config);
    return EvaluationMetrics.readIfExists(new Configuration(), layout.metrics());
  }

  @Test
  void plantedTastesPassAndShuffledProductsAreRefused() throws Exception {
    Path planted = work.resolve("planted.csv");
    new Generator(1500, 150, 20, 11).write(new Configuration(), planted.toString());
    EvaluationMetrics good = evaluate(planted, "w1");
    assertEquals(GateVerdict.Verdict.PASS, good.gate().verdict(), good.gate().reason());
    assertEquals("skipped", good.gate().rules().get(1).outcome(), "no earlier run");
    assertTrue(good.modelAt(20).ndcg() > 1.1 * good.popularityAt(20).ndcg());

    List<String> lines = Files.readAllLines(planted);
    List<String> products = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      products.add(line.split(",")[1]);
    }
    Collections.shuffle(products, new Random(5));
    List<String> shuffled = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      shuffled.add(f[0] + "," + products.get(i - 1) + "," + f[2]);
    }
    Path broken = Files.write(work.resolve("shuffled.csv"), shuffled);
    EvaluationMetrics bad = evaluate(broken, "w2");
    assertEquals(GateVerdict.Verdict.FAIL, bad.gate().verdict());
    assertTrue(bad.gate().reason().startsWith("ndcg@20 0."), bad.gate().reason());
    assertTrue(bad.gate().reason().contains("popularity baseline"), bad.gate().reason());
    assertTrue(bad.gate().reason().contains("below run w1's"), "and against the last run: " + bad.gate().reason());

    // What the workflow's gate action reads.
    Properties gate = new Properties();
    try (var in = Files.newInputStream(work.resolve("w2/evaluate/" + io.recsv.workflow.GateVerdict.FILE))) {
      gate.load(in);
    }
    assertEquals("false", gate.getProperty("publish"));
    assertEquals("fail", gate.getProperty("verdict"));
    assertEquals(bad.gate().reason(), gate.getProperty("reason"));
    // metrics.json spells the verdict as gate.properties and the report page do.
    assertTrue(Files.readString(work.resolve("w2/evaluate/metrics.json")).contains("\"verdict\" : \"fail\""));
  }

  @Test
  void anEvenSampleOfTheEvaluatedUsersMeasuresAsTheirWhole() throws Exception {
    Path planted = work.resolve("planted.csv");
    new Generator(1500, 150, 20, 11).write(new Configuration(), planted.toString());
    EvaluationMetrics all = evaluate(planted, "w1");
    EvaluationMetrics sampled = evaluate(planted, "w2", "evaluate.measure-users=300");
    assertEquals(1, all.split().measureEvery());
    assertEquals(all.split().evaluatedUsers(), all.split().measuredUsers());
    assertEquals(5, sampled.split().measureEvery(), "1,500 evaluated users, 300 measured");
    assertTrue(sampled.split().measuredUsers() >= 280 && sampled.split().measuredUsers() <= 320,
        "every fifth: " + sampled.split().measuredUsers());
    assertEquals(all.split().evaluatedUsers(), sampled.split().evaluatedUsers(), "the same users held out");
    assertEquals(all.split().trainPairs(), sampled.split().trainPairs(), "and the same model trained");
    double whole = all.modelAt(20).ndcg();
    double part = sampled.modelAt(20).ndcg();
    assertTrue(Math.abs(whole - part) < 0.1 * whole, "NDCG@20 of a fifth " + part + " against all " + whole);
    double popular = all.popularityAt(20).ndcg();
    assertTrue(Math.abs(popular - sampled.popularityAt(20).ndcg()) < 0.2 * popular, "the baseline's too");
  }

  /**
   * With every 2nd user sampled, ALS trains on the users' places in the sample, and the lists measured are those of
   * the right users: were a user measured with another's factors, the model would do no better than chance.
   */
  @Test
  void aSampleOfTheUsersIsTrainedAndMeasuredAsItsOwnUsers() throws Exception {
    Path planted = work.resolve("planted.csv");
    new Generator(1500, 150, 20, 11).write(new Configuration(), planted.toString());
    EvaluationMetrics half = evaluate(planted, "w1", "evaluate.sample-users=750");
    assertEquals(2, half.split().sampleEvery());
    assertEquals(750, half.split().trainUsers());
    assertEquals(GateVerdict.Verdict.PASS, half.gate().verdict(), half.gate().reason());
    assertTrue(half.modelAt(20).ndcg() > 2 * half.popularityAt(20).ndcg(), "NDCG@20 " + half.modelAt(20).ndcg()
        + " against popularity's " + half.popularityAt(20).ndcg());
  }
}
