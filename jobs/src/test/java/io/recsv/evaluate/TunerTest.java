package io.recsv.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.recsv.TestSpark;
import io.recsv.generate.Generator;
import io.recsv.config.UserError;
import io.recsv.prepare.PrepareJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search is a function of its seed: the same trials, in the same order, with the same metrics. */
class TunerTest {

  @TempDir
  Path work;

  private final SparkSession spark = TestSpark.get();

  private static long differences(List<Object> a, List<Object> b) {
    return java.util.stream.IntStream.range(0, a.size()).filter(i -> !a.get(i).equals(b.get(i))).count();
  }

  @Test
  void aSeededSearchIsDeterministicAndStartsFromTheSettingsAsTheyAre() throws Exception {
    Path input = work.resolve("in.csv");
    new Generator(300, 40, 10, 3).write(new Configuration(), input.toString());
    Config config = TestSpark.config(work, "prepare.input=" + input, "score.k=10", "train.max-iter=5");
    new PrepareJob(config).run(spark);
    Tuner tuner = new Tuner(config);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

    Tuner.Result first = tuner.run(spark, 3, Duration.ofMinutes(10), 7, "ndcg@10", quiet);
    Tuner.Result again = tuner.run(spark, 3, Duration.ofMinutes(10), 7, "ndcg@10", quiet);
    assertEquals(3, first.trials().size());
    for (int i = 0; i < 3; i++) {
      Tuner.Trial a = first.trials().get(i);
      Tuner.Trial b = again.trials().get(i);
      assertEquals(List.of(a.rank(), a.regParam(), a.alpha(), a.maxIter()), List.of(b.rank(), b.regParam(),
          b.alpha(), b.maxIter()), "trial " + i);
      assertEquals(a.ranking(), b.ranking(), "trial " + i + "'s metrics");
    }
    for (int i = 1; i < 3; i++) {
      assertTrue(first.trials().get(i - 1).ranking().get(0).ndcg() >= first.trials().get(i).ranking().get(0).ndcg(),
          "best first");
    }
    assertEquals(first.popularity(), again.popularity());
    assertTrue(first.trials().stream().anyMatch(t -> t.rank() == config.getInt("train.rank")
        && t.maxIter() == 5 && t.alpha() == config.getDouble("train.alpha")
        && t.regParam() == config.getDouble("train.reg-param")), "the settings as they are are a trial");
    String file = Tuner.configFile(first, "test");
    assertTrue(file.contains("rank = " + first.trials().get(0).rank()), file);

    // Each later trial is one step from the best before it: one setting differs.
    for (int i = 1; i < 3; i++) {
      Tuner.Trial t = again.trials().get(i);
      List<Object> a = List.of(t.rank(), t.regParam(), t.alpha(), t.maxIter(), t.form(), t.weighting());
      long closest = first.trials().stream().mapToLong(o -> differences(a, List.of(o.rank(), o.regParam(), o.alpha(),
          o.maxIter(), o.form(), o.weighting()))).filter(d -> d > 0).min().orElseThrow();
      assertEquals(1, closest, "trial " + t + " is one step from another");
    }
    List<Config> steps = CandidateSearch.neighbours(config, CandidateSearch.WeightScale.SAME);
    // rank 8: 4 and 16; reg 0.1: 0.03 and 0.3; alpha 1: 0.3 and 3; max-iter 5: 10 only; log; bm25 and tfidf.
    assertEquals(10, steps.size(), "one step in each setting, each way there is one: " + steps.size());
    Set<Integer> picks = new HashSet<>();
    for (int s = 0; s < 10; s++) {
      picks.add(steps.indexOf(CandidateSearch.neighbour(config, List.of(config), new Random(s),
          CandidateSearch.WeightScale.SAME)));
    }
    assertTrue(picks.size() > 1 && !picks.contains(-1), "the seed chooses the step: " + picks);
    assertEquals(null, CandidateSearch.neighbour(config, steps, new Random(1),
        CandidateSearch.WeightScale.SAME), "every step tried: none left");
    UserError bad = assertThrows(UserError.class,
        () -> tuner.run(spark, 1, Duration.ofMinutes(1), 7, "ndcg@50", quiet));
    assertTrue(bad.getMessage().contains("--metric"), bad.getMessage());
  }
}
