package io.recsv.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search is a function of its seed: the same trials, in the same order, with the same metrics. */
class TunerTest {

  @TempDir
  Path work;

  private final SparkSession spark = TestSpark.get();

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

    List<Config> other = tuner.candidates(3, 8);
    assertNotEquals(tuner.candidates(3, 7).get(1).getInt("train.rank") + "/" + tuner.candidates(3, 7).get(1)
        .getDouble("train.alpha") + "/" + tuner.candidates(3, 7).get(2).getInt("train.max-iter"),
        other.get(1).getInt("train.rank") + "/" + other.get(1).getDouble("train.alpha") + "/"
        + other.get(2).getInt("train.max-iter"), "another seed, other trials");
    UserError bad = assertThrows(UserError.class, () -> tuner.run(spark, 1, Duration.ofMinutes(1), 7, "ndcg@50", quiet));
    assertTrue(bad.getMessage().contains("--metric"), bad.getMessage());
  }
}
