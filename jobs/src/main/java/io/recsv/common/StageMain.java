package io.recsv.common;

import com.typesafe.config.Config;
import io.recsv.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;

/**
 * The shared {@code main} of every stage under spark-submit (and so under Oozie's spark action):
 * {@code [--config FILE]... [key=value]...}: it takes the run's lock, checks what it can before computing, runs
 * the stage, and releases the lock. Errors propagate, so spark-submit and Oozie see the failure and
 * its message ({@code wf:errorMessage}).
 */
public final class StageMain {

  private static final Logger LOG = LogManager.getLogger(StageMain.class);

  private StageMain() {}

  public static void run(String name, String[] args, Function<Config, Stage> factory) throws Exception {
    List<String> files = new ArrayList<>();
    List<String> overrides = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if ("--config".equals(args[i])) {
        if (i + 1 >= args.length) {
          throw new UserError("--config needs a file");
        }
        files.add(args[++i]);
      } else if (args[i].contains("=")) {
        overrides.add(args[i]);
      } else {
        throw new UserError("unexpected argument '" + args[i] + "'; usage: " + name
            + " [--config FILE]... [key=value]...");
      }
    }
    Config config = ConfigLoader.load(files, overrides);
    // In the container's log: what this stage ran with, after every file and override.
    LOG.info("{} runs with {}", name, StageRunner.effectiveSettings(config, name));
    Stage stage = factory.apply(config);
    StageRunner runner = new StageRunner(config, Map.of(name, stage), "spark-submit " + name, false);
    SparkSession spark = SparkSessions.create(config, "recsv-" + name);
    try {
      runner.run(spark, new StageRunner.Listener() {
        @Override
        public void starting(String stage) {
          LOG.info("{}: running", stage);
        }

        @Override
        public void finished(String stage, String summary, double seconds) {
          LOG.info(String.format("%s: done in %.1f s: %s", stage, seconds, summary));
        }
      });
    } catch (Exception e) {
      // Permission denied, no space left: one line that Oozie's wf:errorMessage can show as it is.
      UserError fixable = e instanceof UserError ? null : IoErrors.userErrorFor(e);
      if (fixable != null) {
        throw fixable;
      }
      throw e;
    } finally {
      spark.stop();
    }
  }
}
