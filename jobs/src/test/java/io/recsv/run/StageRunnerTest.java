package io.recsv.run;

import io.recsv.lineage.RunLayout;

import io.recsv.config.UserError;
import io.recsv.workflow.StageName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.recsv.TestSpark;
import io.recsv.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRunnerTest {

  @TempDir
  Path dir;

  @Test
  void theEffectiveSettingsLineHasTheStagesOwnKeysAndHidesSecrets() {
    String line = StageRunner.effectiveSettings(ConfigFactory.parseString(
        "train { rank = 32, method = recsv, output = /x, s3-secret-key = abc }, score { k = 5 }"), StageName.TRAIN);
    assertEquals("train.method=recsv, train.rank=32, train.s3-secret-key=(hidden)", line);
    assertEquals("no settings of its own", StageRunner.effectiveSettings(ConfigFactory.parseString("a = 1"), StageName.MERGE));
  }

  /** A full disk's IOException names no path (the JDK's never does): the runner says what the stage wrote. */
  @Test
  void aFullDiskNamesWhatTheStageWasWriting() throws Exception {
    SparkSession spark = TestSpark.get();
    var config = ConfigLoader.load(List.of(), List.of("run.root=" + dir.resolve("work"), "run.id=r1",
        "merge.output-root=" + dir.resolve("out")));
    Stage full = new Stage() {
      @Override
      public StageName name() {
        return StageName.TRAIN;
      }

      @Override
      public com.typesafe.config.Config config() {
        return config;
      }

      @Override
      public List<StageName> reads() {
        return List.of();
      }

      @Override
      public String run(StageContext context) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    StageRunner runner = new StageRunner(config, Map.of(StageName.TRAIN, full), "test", false);
    UserError e = assertThrows(UserError.class, () -> runner.run(spark, new StageRunner.Listener() {
      @Override
      public void starting(StageName stage) {}

      @Override
      public void finished(StageName stage, String summary, double seconds) {}
    }));
    assertEquals("no space left on device while stage 'train' wrote " + RunLayout.of(config).stageDir(StageName.TRAIN)
        + "._writing (its output) or Spark its shuffle and spill files (spark.local.dir "
        + spark.conf().get("spark.local.dir", System.getProperty("java.io.tmpdir")) + "): No space left on device",
        e.getMessage());
  }
}
