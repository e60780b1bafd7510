package io.recsv.common;

import com.typesafe.config.Config;
import io.recsv.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;

/**
 * The shared {@code main} of every stage under spark-submit (and so under Oozie's spark action):
 * {@code [--config FILE]... [key=value]...}. Errors propagate, so spark-submit and Oozie see the failure and
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
    Stage stage = factory.apply(config);
    SparkSession spark = SparkSessions.create(config, "recsv-" + name);
    try {
      LOG.info("{}: {}", name, stage.run(spark));
    } finally {
      spark.stop();
    }
  }
}
