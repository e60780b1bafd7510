package io.recsv.bench;

import io.recsv.workflow.StageName;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import com.typesafe.config.Config;
import io.recsv.als.AlsTrainer;
import io.recsv.generate.Generator;
import io.recsv.cli.LocalPipeline;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import io.recsv.run.SparkSessions;
import io.recsv.config.Settings;
import io.recsv.evaluate.EvaluateJob;
import io.recsv.export.ExportJob;
import io.recsv.merge.MergeJob;
import io.recsv.prepare.PrepareJob;
import io.recsv.score.ScoreJob;
import io.recsv.train.TrainJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recsv bench pipeline}: every stage of the week on generated data of a given size, each next to Spark's own
 * way of doing its job, measured in the same run on the same data, and next to its limit on this machine (the
 * work it must do at the pace a short probe measures); then what the week would take at 40M users.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = {"Every stage on generated data, each next to an anchor measured in the same run:",
        "prepare vs Spark reading the CSV and aggregating (user, product) pairs; train vs MLlib's ALS.fit;",
        "score vs recommendForUserSubset on a sample; evaluate vs the stage by MLlib's fit and scorer,",
        "its candidate search measured apart and projected as a share of the week;",
        "export vs Spark joining the rows with the ids and writing them with write.csv;",
        "merge vs one client streaming the parts into one file, flushed to disk.",
        "Beside each stage its limit: the work it must do at the pace a short probe of this machine measures.",
        "Ends with a projection for 40M users."})
public final class PipelineBench implements Callable<Integer> {

  @Option(names = "--users", description = "users (default ${DEFAULT-VALUE})")
  int users = 1_000_000;
  @Option(names = "--products", description = "products (default ${DEFAULT-VALUE})")
  int products = 20_000;
  @Option(names = "--per-user", description = "interactions per user (default ${DEFAULT-VALUE})")
  int perUser = 30;
  @Option(names = "--rank", description = "ALS rank (default ${DEFAULT-VALUE})")
  int rank = 16;
  @Option(names = "--iterations", description = "ALS iterations (default ${DEFAULT-VALUE})")
  int iterations = 10;
  @Option(names = "--score-sample",
      description = "users MLlib's scorer scores, scaled to all (default ${DEFAULT-VALUE})")
  int scoreSample = 20_000;
  @Option(names = "--executors", description = "projection: executors (default ${DEFAULT-VALUE})")
  int executors = 50;
  @Option(names = "--cores", description = "projection: cores per executor (default ${DEFAULT-VALUE})")
  int cores = 4;
  @Option(names = "--work", description = "work directory (default ${DEFAULT-VALUE})")
  Path work = Path.of("recsv-work/bench-pipeline");
  @Option(names = "-D", paramLabel = "key=value", description = "a config key, e.g. -D train.method=mllib")
  List<String> defines = new ArrayList<>();

  private final PrintStream out = System.out;

  /** One stage and its anchor. */
  /** The train stage's own line (which solver ran, for one): printed under the table. */
  private String trained = "";
  /** The evaluate stage's own line (its metrics and verdict). */
  private String evaluated = "";
  /** The evaluate stage with its candidate search on (the week's default): its summary, and its time. */
  private String searched = "";
  private Meter.Reading searchReading;

  /**
   * One stage and its anchor, and the stage's limit on this machine: what it must do ({@code work}) and how long
   * that takes at the pace the probe measured ({@code limitSeconds}).
   */
  private record Row2(StageName stage, String unit, double units, Meter.Reading recsv, String anchor,
      Meter.Reading spark, String work, double limitSeconds) {}

  @Override
  public Integer call() throws Exception {
    Path dir = work.toAbsolutePath();
    String id = users + "x" + products + "x" + perUser;
    Path input = dir.resolve(id + ".csv");
    List<String> overrides = new ArrayList<>(List.of("run.root=" + dir.resolve("runs"), "run.id=" + id,
        "prepare.input=" + input, "train.rank=" + rank, "train.max-iter=" + iterations,
        "merge.output-root=" + dir.resolve("published"), "merge.overwrite=true"));
    overrides.addAll(defines);
    // What `recsv run` runs with: each stage its config files as the workflow gives them, config/env/local.conf,
    // then the overrides.
    LocalPipeline pipeline = new LocalPipeline(Path.of(System.getProperty("recsv.home", ".")));
    LocalPipeline.Configs configs = pipeline.configs("local", List.of(), overrides);
    Config config = configs.run();
    RunLayout layout = RunLayout.of(config);
    generated(input, users, products, perUser, out);
    SparkSession spark = SparkSessions.create(config, "recsv-bench-pipeline");
    try {
      int localCores = spark.sparkContext().defaultParallelism();
      Meter meter = new Meter(spark);
      long interactions = (long) users * perUser;
      Path anchors = dir.resolve("anchors");
      List<Row2> rows = new ArrayList<>();

      // The JVM compiles Spark's CSV reader, shuffle and Parquet writer while it first runs them: whichever of
      // prepare and its anchor ran first would pay for it. Both run once on a small sample first, not measured.
      Path firstLines = sample(input, dir.resolve(id + ".warm-up.csv"));
      List<String> warmUp = new ArrayList<>(overrides);
      warmUp.addAll(List.of("run.id=" + id + "-warm-up", "prepare.input=" + firstLines));
      new PrepareJob(pipeline.configs("local", List.of(), warmUp).of(StageName.PREPARE)).run(spark);
      aggregatePairs(spark, firstLines, anchors.resolve("warm-up"));
      Meter.Reading prepare = meter.measure(() -> new PrepareJob(configs.of(StageName.PREPARE)).run(spark));
      Meter.Reading prepareAnchor = meter.measure(() -> aggregatePairs(spark, input, anchors.resolve("pairs")));
      // prepare's row waits for the probe (after train: it measures the kernel on the model's factors).

      // evaluate, as the week runs it, before train: its anchor first (MLlib's fit and recommendForAllUsers on the
      // same split, measured the same way; MLlib cannot leave out what users have seen), both without the
      // candidate search, which is measured apart (the same stage with evaluate.candidates on). The stage without
      // the search runs last, so that train fits the configured settings, as its anchor does.
      Config evaluateConfig = configs.of(StageName.EVALUATE);
      Config evaluateAlone = evaluateConfig.withValue("evaluate.candidates.enabled",
          com.typesafe.config.ConfigValueFactory.fromAnyRef(false));
      Config mllibEvaluate = evaluateAlone
          .withValue("train.method", com.typesafe.config.ConfigValueFactory.fromAnyRef("mllib"))
          .withValue("score.method", com.typesafe.config.ConfigValueFactory.fromAnyRef("mllib"))
          .withValue("score.exclude-seen", com.typesafe.config.ConfigValueFactory.fromAnyRef(false));
      Meter.Reading evaluateAnchor = meter.measure(() -> new EvaluateJob(mllibEvaluate).run(spark));
      searchReading = meter.measure(() -> searched = new EvaluateJob(evaluateConfig).run(spark));
      Meter.Reading evaluate = meter.measure(() -> evaluated = new EvaluateJob(evaluateAlone).run(spark));

      Meter.Reading train = meter.measure(() -> trained = new TrainJob(configs.of(StageName.TRAIN)).run(spark));
      Dataset<Row> prepared = spark.read().parquet(layout.interactions().toString());
      AlsTrainer reference = AlsTrainer.from(new Settings(configs.of(StageName.TRAIN).withValue("train.method",
          com.typesafe.config.ConfigValueFactory.fromAnyRef("mllib"))));
      // Like the stage: fit, then save the model.
      Meter.Reading trainAnchor = meter.measure(() -> reference.fit(spark, prepared,
          anchors.resolve("checkpoints").toString()).model().write().overwrite().save(anchors.resolve("model")
          .toString()));
      MachineProbe machine = MachineProbe.measure(ALSModel.load(layout.model().toString()), dir);
      out.printf("  machine: scoring kernel %.1f GFLOP/s a core, memory %.1f GB/s a core, disk %.0f MB/s (written and"
          + " flushed)%n", machine.gflopsPerCore(), machine.memoryBytesPerSecond() / 1e9,
          machine.diskWriteBytesPerSecond() / 1e6);
      double flopsPerSecond = machine.gflopsPerCore() * 1e9 * localCores;
      MachineProbe.parseSeconds(input);  // once to compile the loop and bring the file into memory
      rows.add(progress(new Row2(StageName.PREPARE, "interactions/s", interactions, prepare,
          "Spark: read the CSV, sum (user, product) pairs, write Parquet", prepareAnchor,
          String.format("parse %s of CSV", mib(Files.size(input))),
          MachineProbe.parseSeconds(input) / localCores)));
      long sampled = Math.min(users, evaluateConfig.getLong("evaluate.sample-users"));
      double heldOut = evaluateConfig.getDouble("evaluate.holdout-fraction");
      double evaluateFlops = trainFlops((long) (interactions * (double) sampled / users * (1 - heldOut)), sampled,
          products, rank, iterations) + 2.0 * sampled * products * rank;
      rows.add(progress(new Row2(StageName.EVALUATE, "users/s", sampled, evaluate,
          "the stage by MLlib: ALS.fit, recommendForAllUsers, same metrics", evaluateAnchor,
          String.format("%.0f GFLOP", evaluateFlops / 1e9), evaluateFlops / flopsPerSecond)));
      double trainFlops = trainFlops(interactions, users, products, rank, iterations);
      rows.add(progress(new Row2(StageName.TRAIN, "interactions x iterations/s", (double) interactions * iterations,
          train, "MLlib ALS.fit, same parameters; the model saved", trainAnchor,
          String.format("%.0f GFLOP", trainFlops / 1e9), trainFlops / flopsPerSecond)));

      Meter.Reading score = meter.measure(() -> new ScoreJob(configs.of(StageName.SCORE)).run(spark));
      ALSModel model = ALSModel.load(layout.model().toString());
      int k = configs.of(StageName.SCORE).getInt("score.k");
      Dataset<Row> sample = model.userFactors().select(col("id").as(RunLayout.USER_INDEX)).limit(scoreSample);
      Meter.Reading scoreSampled = meter.measure(() -> model.setUserCol(RunLayout.USER_INDEX)
          .recommendForUserSubset(sample, k).write().format("noop").mode("overwrite").save());
      double scale = (double) users / Math.min(scoreSample, users);
      Meter.Reading scoreAnchor = new Meter.Reading(scoreSampled.seconds() * scale,
          (long) (scoreSampled.shuffleBytes() * scale), scoreSampled.peakHeapBytes());
      double scoreFlops = 2.0 * users * products * rank;
      rows.add(progress(new Row2(StageName.SCORE, "users/s", users, score, String.format(
          "MLlib recommendForUserSubset, %,d users x %.0f", Math.min(scoreSample, users), scale), scoreAnchor,
          String.format("%.0f GFLOP", scoreFlops / 1e9), scoreFlops / flopsPerSecond)));

      Meter.Reading export = meter.measure(() -> new ExportJob(configs.of(StageName.EXPORT)).run(spark));
      int parts = configs.of(StageName.EXPORT).getInt("export.parts") > 0 ? configs.of(StageName.EXPORT).getInt("export.parts")
          : localCores;
      // Spark's own way: score's lists as one row per recommendation, shuffled by user into the parts, joined with
      // both dictionaries (the products broadcast, the users by hash), sorted into rank order, written as CSV.
      Meter.Reading exportAnchor = meter.measure(() -> TopLists.rows(spark.read().parquet(layout.top().toString()))
          .repartition(parts, col(RunLayout.USER_INDEX))
          .join(broadcast(spark.read().parquet(layout.products().toString())), RunLayout.PRODUCT_INDEX)
          .join(spark.read().parquet(layout.users().toString()).repartition(parts, col(RunLayout.USER_INDEX))
              .hint("shuffle_hash"), RunLayout.USER_INDEX)
          .sortWithinPartitions(RunLayout.USER_INDEX, RunLayout.RANK)
          .select(RunLayout.USER_ID, RunLayout.PRODUCT_ID, RunLayout.SCORE)
          .write().mode("overwrite").csv(anchors.resolve("csv").toString()));
      long csvRows = (long) users * Math.min(k, products);
      // The raw local file system, as the merge writes (no .crc beside the copy).
      FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
      org.apache.hadoop.fs.Path partsDir = new org.apache.hadoop.fs.Path(layout.exportDir(), "parts");
      long bytes = fs.getContentSummary(partsDir).getLength();
      rows.add(progress(new Row2(StageName.EXPORT, "rows/s", csvRows, export,
          "Spark: rows joined with the ids, sorted, write.csv; same parts", exportAnchor,
          String.format("write %s of CSV", mib(bytes)), bytes / machine.diskWriteBytesPerSecond())));

      // The disk is flushed before each (unmeasured): the second would otherwise wait for the first's 3 GiB of
      // dirty pages to reach the disk (measured: the second of the two came out 0.8x to 1.6x of the first).
      MergeBench.shell("sync");
      // The copy then flushed to disk: the merge makes its copy durable before publishing it (merge.sync), so the
      // anchor does too (on the 2-core machine the flush added little: 2.3-2.5 s without it, 2.5 s with it).
      Meter.Reading mergeAnchor = meter.measure(() -> {
        MergeBench.streamCopy(fs, partsDir, new org.apache.hadoop.fs.Path(anchors.resolve("streamed.csv").toString()));
        MergeBench.shell("sync");
      });
      MergeBench.shell("sync");
      Meter.Reading merge = meter.measure(() -> new MergeJob(configs.of(StageName.MERGE)).run(spark));
      rows.add(progress(new Row2(StageName.MERGE, "MiB/s", bytes / 1048576.0, merge,
          "one client streams the parts into one file, then sync", mergeAnchor,
          String.format("copy %s to disk", mib(bytes)), bytes / machine.diskWriteBytesPerSecond())));

      print(rows, localCores, interactions, csvRows, bytes, evaluateConfig.getLong("evaluate.sample-users"));
      return 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * ALS's arithmetic, both sides, each iteration: the normal equations (each interaction adds its factor's outer
   * product, 2k² flops, to its user's and to its product's) and a Cholesky solve per user and product (k³/3).
   */
  private static double trainFlops(long interactions, long users, long products, int rank, int iterations) {
    return iterations * (2 * 2.0 * interactions * rank * rank + (users + products) * Math.pow(rank, 3) / 3);
  }

  /** prepare's anchor: Spark reads the CSV, sums each (user, product) pair's weights, writes Parquet. */
  static void aggregatePairs(SparkSession spark, Path input, Path out) {
    spark.read().option("header", "true").csv(input.toString())
        .groupBy("user_id", "product_id").agg(sum(col("weight").cast("double")).as("weight"))
        .write().mode("overwrite").parquet(out.toString());
  }

  /** The first lines of {@code input} (about 2%, at most 1,000,000), made once. */
  private Path sample(Path input, Path sample) throws IOException {
    return firstLines(input, sample, Math.min(1_000_000, Math.max(1000, (long) users * perUser / 50)));
  }

  /** The bench's generated CSV (seed 42) at {@code input}, made once; its directory too. */
  static void generated(Path input, int users, int products, int perUser, PrintStream out) throws IOException {
    Files.createDirectories(input.getParent());
    if (!Files.exists(input)) {
      out.printf("generating %,d users x %,d interactions each over %,d products -> %s%n", users, perUser, products,
          input);
      new Generator(users, products, perUser, 42).write(new Configuration(), input.toString());
    }
  }

  /** The header and the first {@code lines} lines of {@code input} as {@code sample}, made once. */
  static Path firstLines(Path input, Path sample, long lines) throws IOException {
    if (!Files.exists(sample)) {
      try (Stream<String> in = Files.lines(input)) {
        Files.write(sample, (Iterable<String>) in.limit(lines + 1)::iterator);
      }
    }
    return sample;
  }

  /** A line per stage as the run goes: the whole takes minutes. */
  private Row2 progress(Row2 r) {
    out.printf("  %-8s %6.1f s; anchor %6.1f s (%.2fx)%n", r.stage(), r.recsv().seconds(), r.spark().seconds(),
        r.spark().seconds() / r.recsv().seconds());
    return r;
  }

  private void print(List<Row2> rows, int localCores, long interactions, long csvRows, long bytes,
      long evaluateSample) {
    double total = rows.stream().mapToDouble(r -> r.recsv().seconds()).sum();
    out.printf("%nrecsv bench pipeline: %,d users x %,d products, %,d interactions, rank %d, %d iterations, %d local"
        + " cores%n%n", users, products, interactions, rank, iterations, localCores);
    out.printf("  %-8s %8s %6s %14s %10s %10s   %-58s %8s %7s%n", "stage", "seconds", "share", "rate", "peak heap",
        "shuffle", "anchor (Spark's own way, same data, same run)", "seconds", "speed");
    for (Row2 r : rows) {
      out.printf("  %-8s %8.1f %5.0f%% %14s %10s %10s   %-58s %8.1f %6.2fx%n", r.stage(), r.recsv().seconds(),
          100 * r.recsv().seconds() / total, rate(r.units() / r.recsv().seconds(), r.unit()),
          mib(r.recsv().peakHeapBytes()), mib(r.recsv().shuffleBytes()), r.anchor(), r.spark().seconds(),
          r.spark().seconds() / r.recsv().seconds());
    }
    out.printf("  %-8s %8.1f%n", "total", total);
    out.printf("  train: %s%n", trained.replaceAll(" -> .*", ""));
    out.printf("  evaluate: %s%n", evaluated.lines().findFirst().orElse(""));
    out.println("  (speed: the anchor's seconds over recsv's; above 1.00x recsv is faster. rate: units of the stage"
        + " per second.)");

    out.printf("%nthe limit: what each stage must do, at the pace this machine's probe measured on %d cores%n",
        localCores);
    out.printf("  %-8s %-22s %10s %10s %10s%n", "stage", "work", "limit", "seconds", "of limit");
    for (Row2 r : rows) {
      out.printf("  %-8s %-22s %9.1fs %9.1fs %9.1f%%%n", r.stage(), r.work(), r.limitSeconds(), r.recsv().seconds(),
          100 * r.limitSeconds() / r.recsv().seconds());
    }
    out.println("  (arithmetic at the scoring kernel's GFLOP/s on every core; the CSV parsed by a bare loop over its"
        + " bytes on every core; bytes written at the disk's flushed rate, measured on 1 GiB. train's and evaluate's"
        + " work: the normal equations and one solve per user and product a side and iteration.)");

    // 40M users x 100 products: every stage linear in its units, at the per-core rate measured here.
    double factor = 40_000_000.0 / users;
    int clusterCores = executors * cores;
    out.printf("%nprojection for 40,000,000 users x 100 products (%,.0f interactions, %,d rows, %.0f GiB of CSV) on"
            + " %d executors x %d cores:%n", interactions * factor, 4_000_000_000L, bytes * factor
            * (100.0 / Math.max(1, csvRows / (double) users)) / (1L << 30), executors, cores);
    out.println("  assumptions: each stage's time is linear in its units (interactions, users, rows) and spreads"
        + " over all cores at the per-core rate measured here; evaluate's units are the users it samples"
        + String.format(" (evaluate.sample-users = %,d)", evaluateSample) + "; no skew, no executor loss; the merge"
        + " on HDFS is a concat (metadata only), a copy elsewhere streams at the rate measured here.");
    double sumProjected = 0;
    for (Row2 r : rows) {
      double rowsScale = r.stage() == StageName.EXPORT || r.stage() == StageName.MERGE
          ? factor * 100.0 / Math.max(1, csvRows / (double) users)
          // evaluate samples evaluate.sample-users users, whatever the week's size
          : r.stage() == StageName.EVALUATE ? Math.min(40_000_000.0, evaluateSample) / r.units() : factor;
      double projected = r.stage() == StageName.MERGE
          ? r.recsv().seconds() * rowsScale  // one stream: does not spread over cores
          : r.recsv().seconds() * rowsScale * localCores / clusterCores;
      String note = r.stage() == StageName.MERGE ? "  (a copy; HDFS concat: seconds, whatever the size)" : "";
      sumProjected += r.stage() == StageName.MERGE ? 0 : projected;
      out.printf("  %-8s %10s%s%n", r.stage(), duration(projected), note);
    }
    out.printf("  %-8s %10s  (without the merge: on HDFS it is a concat)%n", "total", duration(sumProjected));
    // The search trains candidates on evaluate's sample: it scales as evaluate does, not as the week.
    Row2 evaluate = rows.stream().filter(r -> r.stage() == StageName.EVALUATE).findFirst().orElseThrow();
    double searchSeconds = Math.max(0, searchReading.seconds() - evaluate.recsv().seconds());
    double searchProjected = searchSeconds * Math.min(40_000_000.0, evaluateSample) / evaluate.units() * localCores
        / clusterCores;
    long tried = searched.lines().filter(l -> l.matches("\\s+\\d+ (chosen|      ) .*")).count();
    String how = searched.lines().map(String::trim).filter(l -> l.startsWith("candidates by")).findFirst()
        .orElse("").replaceFirst(":$", "");
    out.printf("  %-8s %10s  evaluate's candidate search, %d %s; %.1f s here beyond the evaluation: %.1f%% of the"
        + " week above%n", "search", duration(searchProjected), tried, how, searchSeconds,
        100 * searchProjected / (sumProjected + searchProjected));
  }

  private static String rate(double perSecond, String unit) {
    if (unit.equals("MiB/s")) {
      return String.format("%.0f MiB/s", perSecond);
    }
    return perSecond >= 1e6 ? String.format("%.2fM/s", perSecond / 1e6) : String.format("%.0fk/s", perSecond / 1e3);
  }

  private static String mib(long bytes) {
    return bytes >= (1L << 30) ? String.format("%.1f GiB", bytes / (double) (1L << 30))
        : String.format("%d MiB", bytes >> 20);
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + " s";
  }
}
