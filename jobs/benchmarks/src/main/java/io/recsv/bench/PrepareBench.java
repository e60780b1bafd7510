package io.recsv.bench;

import io.recsv.cli.LocalPipeline;
import io.recsv.prepare.PrepareJob;
import io.recsv.run.SparkSessions;
import io.recsv.workflow.StageName;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recsv bench prepare}: the prepare stage against its anchor (Spark reads the CSV, sums each pair's
 * weights, writes Parquet), alternating in one JVM, so that a change to prepare is measured without the rest of
 * the week. The pipeline bench measures each once; this repeats them, for the spread.
 */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = {"The prepare stage against Spark reading the same CSV and summing its (user, product) pairs,",
        "alternating --rounds times in one JVM after a warm-up of both; each pair's times and the median ratio."})
public final class PrepareBench implements Callable<Integer> {

  @Option(names = "--users", description = "users (default ${DEFAULT-VALUE})")
  int users = 300_000;
  @Option(names = "--products", description = "products (default ${DEFAULT-VALUE})")
  int products = 20_000;
  @Option(names = "--per-user", description = "interactions per user (default ${DEFAULT-VALUE})")
  int perUser = 30;
  @Option(names = "--rounds", description = "prepare and its anchor, alternating (default ${DEFAULT-VALUE})")
  int rounds = 3;
  @Option(names = "--work", description = "work directory (default ${DEFAULT-VALUE})")
  Path work = Path.of("recsv-work/bench-prepare");
  @Option(names = "-D", paramLabel = "key=value", description = "a config key, e.g. -D prepare.aggregate=max")
  List<String> defines = new ArrayList<>();

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Path dir = work.toAbsolutePath();
    String id = users + "x" + products + "x" + perUser;
    Path input = dir.resolve(id + ".csv");
    PipelineBench.generated(input, users, products, perUser, out);
    Path warmUpInput = PipelineBench.firstLines(input, dir.resolve(id + ".warm-up.csv"),
        Math.max(1000, (long) users * perUser / 50));
    LocalPipeline pipeline = new LocalPipeline(Path.of(System.getProperty("recsv.home", ".")));
    SparkSession spark = SparkSessions.create(configs(pipeline, dir, "warm-up", warmUpInput).run(),
        "recsv-bench-prepare");
    try {
      Meter meter = new Meter(spark);
      Path anchors = dir.resolve("anchors");
      // The JVM compiles the reader, shuffle and Parquet writer while it first runs them: both run once first.
      new PrepareJob(configs(pipeline, dir, "warm-up", warmUpInput).of(StageName.PREPARE)).run(spark);
      PipelineBench.aggregatePairs(spark, warmUpInput, anchors.resolve("warm-up"));
      out.printf("%nrecsv bench prepare: %,d users x %,d products, %,d interactions (%,d MiB of CSV), %d local"
          + " cores%n%n  %-6s %10s %10s %8s%n", users, products, (long) users * perUser, Files.size(input) >> 20,
          spark.sparkContext().defaultParallelism(), "round", "prepare", "anchor", "speed");
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        PrepareJob job = new PrepareJob(configs(pipeline, dir, id, input).of(StageName.PREPARE));
        double prepare = meter.measure(() -> job.run(spark)).seconds();
        double anchor = meter.measure(() -> PipelineBench.aggregatePairs(spark, input, anchors.resolve("pairs")))
            .seconds();
        ratios[r] = anchor / prepare;
        out.printf("  %-6d %8.1f s %8.1f s %7.2fx%n", r + 1, prepare, anchor, ratios[r]);
      }
      Arrays.sort(ratios);
      out.printf("%n  median %.2fx (anchor's time / prepare's), range %.2fx-%.2fx%n", ratios[rounds / 2], ratios[0],
          ratios[rounds - 1]);
      return 0;
    } finally {
      spark.stop();
    }
  }

  private LocalPipeline.Configs configs(LocalPipeline pipeline, Path dir, String runId, Path input) {
    List<String> overrides = new ArrayList<>(List.of("run.root=" + dir.resolve("runs"), "run.id=" + runId,
        "prepare.input=" + input));
    overrides.addAll(defines);
    return pipeline.configs("local", List.of(), overrides);
  }
}
