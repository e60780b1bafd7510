package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.lineage.RunLayout;
import io.recsv.run.RunLock;
import io.recsv.run.SparkSessions;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recsv tune}: searches the ALS settings on a holdout of a run's prepared interactions (prepared first
 * from --input when given), prints the trials best first, and writes the best as a config file for --config.
 */
@Command(name = "tune",
    header = "search the ALS settings on a holdout of a run's interactions; writes the best as a config file",
    description = "Trains ALS on one holdout of the run's prepared interactions (evaluate.* says how it is split) for"
        + " each trial: the settings as they are, then each trial one step from the best so far (a seeded choice"
        + " among the steps not yet tried): train.rank (4 8 16 32 64 128), train.reg-param (0.003 0.01 0.03 0.1 0.3),"
        + " train.alpha (0.3 1 3 10 30 100) or train.max-iter (5 10 15 20) to the next value, or another"
        + " train.confidence (linear log) or train.weighting (none bm25 tfidf); measures each as the evaluate stage"
        + " does (the popularity baseline once), prints them best first, and writes the best as a config file.")
final class TuneCommand extends RecsvCommand {

  @Option(names = "--input", paramLabel = "PATH",
      description = "prepare this input first, into --work and --run-id (default: tune)")
  String input;

  @Option(names = "--trials", paramLabel = "N", defaultValue = "8", converter = WholeNumber.class,
      description = "at most N trials (default ${DEFAULT-VALUE})")
  int trials;

  @Option(names = "--minutes", paramLabel = "M", defaultValue = "60", converter = WholeNumber.class,
      description = "the trials after the first take at most M minutes: none is started that the last one's time"
          + " says would overrun them (default ${DEFAULT-VALUE})")
  int minutes;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", converter = WholeNumber.class,
      description = "the search's seed (default ${DEFAULT-VALUE}): the same seed, data and settings give the same"
          + " trials")
  int seed;

  @Option(names = "--metric", paramLabel = "M", description = "what 'best' means: ndcg, precision, recall, map or"
      + " hit-rate at 10 or score.k (default ndcg@k)")
  String metric;

  @Option(names = "--output", paramLabel = "FILE", defaultValue = "recsv-tuned.conf",
      description = "the best settings (default ./${DEFAULT-VALUE}), for recsv run --config FILE")
  Path output;

  @Mixin
  RunOptions run;

  @Mixin
  ConfigOptions config;

  TuneCommand(PrintStream out, Path home) {
    super(out, home);
  }

  @Override
  public Integer call() throws Exception {
    if (trials < 1 || minutes < 1) {
      throw new UserError("tune: --trials and --minutes must be at least 1");
    }
    Path output = this.output.toAbsolutePath();
    Config config;
    if (input != null) {
      // Prepare the input into its own run first (default run id "tune"); the trials read it from there.
      LocalPipeline pipeline = new LocalPipeline(home, out);
      List<String> overrides = new ArrayList<>(List.of(run.root(),
          "run.id=" + (run.runId != null ? run.runId : "tune"), "prepare.input=" + UserPaths.absolute(input)));
      overrides.addAll(this.config.overrides());
      LocalPipeline.Configs configs = pipeline.configs(run.env("local"), this.config.files, overrides);
      // The trials train, score and evaluate as the evaluate stage does: with its config files.
      config = configs.of(StageName.EVALUATE);
      pipeline.run(pipeline.runner(List.of(StageName.PREPARE), configs, "recsv tune", false), configs.run(),
          progress());
    } else {
      config = ExistingRun.configs(home, run, this.config, StageName.PREPARE).of(StageName.EVALUATE);
    }
    Tuner tuner = new Tuner(config);
    String metric = this.metric != null ? this.metric : "ndcg@" + tuner.ks().get(tuner.ks().size() - 1);
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
