package io.recsv.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.recsv.TestSpark;
import io.recsv.evaluate.EvaluateJob;
import io.recsv.generate.Generator;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.prepare.PrepareJob;
import io.recsv.report.EvaluationMetrics;
import io.recsv.workflow.StageName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The week's settings chosen by evaluate and used by train, on planted data (20 tastes) started from a rank too
 * small for them: evaluate tries candidates around the configured settings, records each and picks the best by
 * the gate's metric, the gate judges that one, the same seed makes the same choice, and train fits the choice. Train
 * alone (no evaluate output), with evaluate's search off, or configured otherwise than evaluate searched around,
 * uses its configured settings and says why; a time budget taken from an earlier week ends the search.
 */
class EvaluatesChoiceTest {

  @TempDir
  Path work;

  private final SparkSession spark = TestSpark.get();
  private final Configuration conf = new Configuration();

  private Config config(String runId, String... more) {
    List<String> all = new ArrayList<>(List.of("prepare.input=" + work.resolve("in.csv"), "run.id=" + runId,
        "score.k=20", "train.rank=4", "train.max-iter=5", "evaluate.candidates.trials=8"));
    all.addAll(List.of(more));
    return TestSpark.config(work, all.toArray(String[]::new));
  }

  private EvaluationMetrics evaluate(Config config) throws Exception {
    new EvaluateJob(config).run(spark);
    return EvaluationMetrics.readIfExists(conf, RunLayout.of(config).metrics());
  }

  private static int rankOf(Config config) {
    return ALSModel.load(RunLayout.of(config).model().toString()).rank();
  }

  private static double ndcg(List<EvaluationMetrics.Ranking> ranking) {
    return ranking.get(ranking.size() - 1).ndcg();
  }

  @Test
  void evaluateChoosesAmongCandidatesTheGateJudgesItAndTrainUsesIt() throws Exception {
    new Generator(1500, 150, 20, 11).write(conf, work.resolve("in.csv").toString());
    Config config = config("w1");
    new PrepareJob(config).run(spark);

    EvaluationMetrics m = evaluate(config);
    EvaluationMetrics.Search search = m.search();
    assertEquals(8, search.candidates().size(), search.stoppedBy());
    assertEquals("the trials were all made", search.stoppedBy());
    assertNull(search.budgetFrom(), "no earlier week: no time budget");
    assertEquals("ndcg@20", search.metric());
    assertEquals(Lineage.settingsOf(config, StageName.TRAIN), search.base());
    assertEquals("4", search.candidates().get(0).settings().get("train.rank"), "the configured settings first");
    int best = 0;
    for (int i = 0; i < search.candidates().size(); i++) {
      best = ndcg(search.candidates().get(i).ranking()) > ndcg(search.candidates().get(best).ranking()) ? i : best;
    }
    assertEquals(best, search.chosen(), "the best by the gate's metric");
    assertNotEquals(0, search.chosen(), "rank 4 is too small for 20 tastes: a step beats it");
    EvaluationMetrics.Candidate chosen = search.candidates().get(search.chosen());
    assertTrue(ndcg(chosen.ranking()) > ndcg(search.candidates().get(0).ranking()));
    assertEquals(chosen.ranking(), m.model(), "the model measured is the chosen one");
    assertEquals(ndcg(chosen.ranking()), m.gate().rules().get(0).value(), "and the gate judges it");

    EvaluationMetrics again = evaluate(config);
    assertEquals(search.candidates().stream().map(EvaluationMetrics.Candidate::settings).toList(),
        again.search().candidates().stream().map(EvaluationMetrics.Candidate::settings).toList(),
        "the same seed tries the same settings");
    assertEquals(search.candidates().stream().map(EvaluationMetrics.Candidate::ranking).toList(),
        again.search().candidates().stream().map(EvaluationMetrics.Candidate::ranking).toList(),
        "with the same metrics");

    String summary = new TrainJob(config).run(spark);
    Map<String, String> differs = new TreeMap<>();
    chosen.settings().forEach((key, value) -> {
      if (!value.equals(search.candidates().get(0).settings().get(key))) {
        differs.put(key, value);
      }
    });
    assertTrue(summary.contains("settings: evaluate's choice (") && summary.contains("candidate "
        + (search.chosen() + 1) + " of 8 candidates evaluate tried, by ndcg@20"), summary);
    assertEquals(Integer.parseInt(chosen.settings().get("train.rank")), rankOf(config));
    Lineage trained = Lineage.read(conf, RunLayout.of(config).stageDir(StageName.TRAIN), StageName.TRAIN);
    assertEquals(differs, trained.chosen(), "train's record names the settings it took from evaluate");
    assertEquals("4", trained.config().get("train.rank"), "beside the configured ones, which a rerun compares");
    assertTrue(trained.byStage().containsKey(StageName.EVALUATE), "and chains with evaluate's output");

    // Configured otherwise than evaluate searched around: the configured settings, and why.
    String other = new TrainJob(config("w1", "train.seed=7")).run(spark);
    assertTrue(other.contains("settings: the configured ones (rank 4,") && other.contains("evaluate searched around"
        + " other train settings (train.seed was '42', is '7'); rerun from evaluate"), other);
    assertEquals(4, rankOf(config));

    // A later week whose candidates may take a thousandth of w1's time: the configured settings alone.
    Config later = config("w2", "evaluate.candidates.time-share=0.001");
    new PrepareJob(later).run(spark);
    EvaluationMetrics budgeted = evaluate(later);
    assertEquals(1, budgeted.search().candidates().size());
    assertEquals("the next trial would have overrun the time budget", budgeted.search().stoppedBy());
    assertTrue(budgeted.search().budgetFrom().startsWith("evaluate.candidates.time-share 0.001 of run w1's "),
        budgeted.search().budgetFrom());

    // Search off: evaluate judges the configured settings, train uses them and says so.
    Config off = config("w3", "evaluate.candidates.enabled=false");
    new PrepareJob(off).run(spark);
    assertNull(evaluate(off).search());
    String unsearched = new TrainJob(off).run(spark);
    assertTrue(unsearched.contains("settings: the configured ones (rank 4, ") && unsearched.contains(", max-iter 5,"
        + " confidence linear, weighting none): evaluate did not search (evaluate.candidates.enabled = false)"),
        unsearched);
    assertEquals(4, rankOf(off));
    assertNull(Lineage.read(conf, RunLayout.of(off).stageDir(StageName.TRAIN), StageName.TRAIN).chosen());

    // Train alone, in a run without evaluate's output.
    Config alone = config("w4");
    new PrepareJob(alone).run(spark);
    String lone = new TrainJob(alone).run(spark);
    assertTrue(lone.contains("settings: the configured ones (rank 4,") && lone.contains("this run has no evaluate"
        + " output to choose them"), lone);
    assertEquals(4, rankOf(alone));
  }
}
