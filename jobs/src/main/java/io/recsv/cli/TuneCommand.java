package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.common.RunLayout;
import io.recsv.common.RunLock;
import io.recsv.common.SparkSessions;
import io.recsv.common.StageRunner;
import io.recsv.config.UserError;
import io.recsv.config.UserPaths;
import io.recsv.config.Settings;
import io.recsv.evaluate.Tuner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code recsv tune}: searches the ALS settings on a holdout of a run's prepared interactions (prepared first
 * from --input when given), prints the trials best first, and writes the best as a config file for --config.
 */
final class TuneCommand {

  private final PrintStream out;

  TuneCommand(PrintStream out) {
    this.out = out;
  }

  int run(Options o, Path home) throws Exception {
    o.refusePositional("tune");
    int trials = o.intValue("tune", "--trials", 8);
    int minutes = o.intValue("tune", "--minutes", 60);
    long seed = o.intValue("tune", "--seed", 42);
    if (trials < 1 || minutes < 1) {
      throw new UserError("tune: --trials and --minutes must be at least 1");
    }
    Path output = Path.of(o.get("--output", "recsv-tuned.conf")).toAbsolutePath();
    Config config;
    if (o.get("--input") != null) {
      // Prepare the input into its own run first (default run id "tune"); the trials read it from there.
      LocalPipeline pipeline = new LocalPipeline(home, out);
      List<String> overrides = new ArrayList<>(List.of("run.root=" + UserPaths.absolute(o.get("--work", "recsv-work")),
          "run.id=" + o.get("--run-id", "tune"), "prepare.input=" + UserPaths.absolute(o.get("--input"))));
      overrides.addAll(o.overrides);
      LocalPipeline.Configs configs = pipeline.configs(o.get("--env", "local"), o.configFiles, overrides);
      // The trials train, score and evaluate as the evaluate stage does: with its config files.
      config = configs.of(StageName.EVALUATE);
      pipeline.run(pipeline.runner(List.of(StageName.PREPARE), configs, "recsv tune", false), configs.run(),
          new StageRunner.Listener() {
            @Override
            public void starting(StageName stage) {
              out.printf("[%s] running...%n", stage);
            }

            @Override
            public void finished(StageName stage, String summary, double seconds) {
              out.printf("[%s] done in %.1f s: %s%n", stage, seconds, summary);
            }
          });
    } else {
      config = ExistingRun.configs(home, o, StageName.PREPARE).of(StageName.EVALUATE);
    }
    Tuner tuner = new Tuner(config);
    String metric = o.get("--metric", "ndcg@" + tuner.ks().get(tuner.ks().size() - 1));
    RunLayout layout = RunLayout.of(config);
    SparkSession spark = SparkSessions.create(config, "recsv tune");
    Tuner.Result result;
    try (RunLock lock = RunLock.acquire(spark.sparkContext().hadoopConfiguration(), layout.lock(), "recsv tune",
        new Settings(config).durationAtLeast("run.lock-stale-after", Duration.ofSeconds(10)))) {
      result = tuner.run(spark, trials, Duration.ofMinutes(minutes), seed, metric, out);
    }
    out.println();
    out.println("trials on run " + layout.runId() + "'s holdout, best first by " + metric + ":");
    Tuner.table(result).forEach(out::println);
    Files.writeString(output, Tuner.configFile(result, layout.runId()), StandardCharsets.UTF_8);
    out.println("the best settings: " + output + " (pass it with --config)");
    return 0;
  }
}
