package io.recsv.bench;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;

import com.typesafe.config.Config;
import io.recsv.cli.Generator;
import io.recsv.common.RunLayout;
import io.recsv.common.SparkSessions;
import io.recsv.config.ConfigLoader;
import io.recsv.prepare.PrepareJob;
import io.recsv.als.KernelProbe;
import io.recsv.score.ScoreJob;
import io.recsv.train.TrainJob;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code recsv bench score}: MLlib's recommendForAllUsers against recsv's blocked scorer, on one model, in one
 * run: both write Parquet, the outputs are compared row by row, and the blocked time is split into
 * arithmetic, selection and writing.
 */
public final class ScoreBench {

  private static final String USAGE = String.join("\n",
      "usage: recsv bench score [--users N] [--products M] [--rank R] [--k K] [--work DIR] [--skip-mllib]",
      "                         [-D key=value]...   (e.g. -D score.user-block-size=512)",
      "  defaults: 200000 users, 20000 products, rank 16, k 100, work ./recsv-work/bench-score",
      "  the model is trained once (ALS, 3 iterations on generated data) and reused from --work afterwards");

  private ScoreBench() {}

  public static int run(List<String> args, PrintStream out) throws Exception {
    if (args.contains("--help")) {
      out.println(USAGE);
      return 0;
    }
    MergeBench.checkOptions("bench score", args, Set.of("--users", "--products", "--rank", "--k", "--work"),
        Set.of("--skip-mllib"));
    int users = (int) MergeBench.longArg(args, "--users", 200_000);
    int products = (int) MergeBench.longArg(args, "--products", 20_000);
    int rank = (int) MergeBench.longArg(args, "--rank", 16);
    int k = (int) MergeBench.longArg(args, "--k", 100);
    int at = args.indexOf("--work");
    Path work = Path.of(at >= 0 ? args.get(at + 1) : "recsv-work/bench-score").toAbsolutePath();
    String runId = users + "x" + products + "-r" + rank;
    Path input = work.resolve(runId + "-input.csv");

    List<String> overrides = new ArrayList<>(List.of("spark.master=local[2]", "run.root=" + work,
        "run.id=" + runId, "prepare.input=" + input, "train.rank=" + rank, "train.max-iter=3",
        "score.k=" + k, "score.normalization=none"));
    for (int i = 0; i < args.size() - 1; i++) {
      if (args.get(i).equals("-D")) {
        overrides.add(args.get(i + 1));
      }
    }
    Config config = ConfigLoader.load(List.of(), overrides);
    SparkSession spark = SparkSessions.create(config, "recsv-bench-score");
    try {
      Path model = Path.of(RunLayout.of(config).model().toString());
      if (!Files.isDirectory(model)) {
        Files.createDirectories(work);
        if (!Files.exists(input)) {
          new Generator(users, products, Math.min(20, products), 42).write(new Configuration(), input.toString());
        }
        out.println("training the benchmark model (once): " + new PrepareJob(config).run(spark));
        out.println("  " + new TrainJob(config).run(spark));
      }
      ALSModel als = ALSModel.load(model.toString());
      long nUsers = als.userFactors().count();
      long nProducts = als.itemFactors().count();
      double flops = 2.0 * nUsers * nProducts * rank;
      out.printf("%nrecsv bench score: %,d users x %,d products, rank %d, top %d, local[2]%n%n", nUsers, nProducts,
          rank, k);

      double mllib = Double.NaN;
      String mllibOut = work.resolve("out-mllib").toString();
      if (!args.contains("--skip-mllib")) {
        Dataset<Row> m = scorer(overrides, "mllib").score(spark, als);
        long t0 = System.nanoTime();
        m.write().mode("overwrite").parquet(mllibOut);
        mllib = secs(t0);
      }
      ScoreJob blockedJob = scorer(overrides, "blocked");
      long t0 = System.nanoTime();
      blockedJob.score(spark, als).write().format("noop").mode("overwrite").save();
      double blockedCompute = secs(t0);
      String blockedOut = work.resolve("out-blocked").toString();
      t0 = System.nanoTime();
      blockedJob.score(spark, als).write().mode("overwrite").parquet(blockedOut);
      double blocked = secs(t0);

      out.printf("  %-46s %9s %9s %9s%n", "method (scores + Parquet write)", "seconds", "GFLOP/s", "speed-up");
      if (!Double.isNaN(mllib)) {
        out.printf("  %-46s %9.2f %9.2f %9s%n", "mllib recommendForAllUsers", mllib, flops / mllib / 1e9, "1.0x");
      }
      out.printf("  %-46s %9.2f %9.2f %9s%n", "recsv blocked", blocked, flops / blocked / 1e9,
          Double.isNaN(mllib) ? "-" : String.format("%.1fx", mllib / blocked));

      KernelProbe.Split split = KernelProbe.measure(als, 20_000, k, 1024);
      double perUserArith = split.arithmeticSeconds() / split.users();
      double perUserSelect = (split.totalSeconds() - split.arithmeticSeconds()) / split.users();
      out.printf("%n  blocked, where the time goes (kernel on 1 core, %,d sampled users, scaled to all users / 2 cores):%n",
          split.users());
      out.printf("    arithmetic (matrix product)   %7.2f s   (%.2f GFLOP/s per core)%n", perUserArith * nUsers / 2,
          2.0 * split.products() * split.rank() / perUserArith / 1e9);
      out.printf("    top-k selection               %7.2f s%n", perUserSelect * nUsers / 2);
      out.printf("    (the same arithmetic by Spark's bundled BLAS, %s sgemm: %.2f s, %.2f GFLOP/s per core)%n",
          split.blas(), split.blasSeconds() / split.users() * nUsers / 2,
          2.0 * split.products() * split.rank() * split.users() / split.blasSeconds() / 1e9);
      out.printf("    rows, Spark overhead          %7.2f s   (blocked to a no-op sink: %.2f s)%n",
          Math.max(0, blockedCompute - (perUserArith + perUserSelect) * nUsers / 2), blockedCompute);
      out.printf("    Parquet write                 %7.2f s%n", Math.max(0, blocked - blockedCompute));

      if (!Double.isNaN(mllib)) {
        Dataset<Row> a = spark.read().parquet(mllibOut).as("a");
        Dataset<Row> b = spark.read().parquet(blockedOut).as("b");
        long rowsA = a.count();
        long rowsB = b.count();
        Dataset<Row> joined = a.join(b, a.col("user_index").equalTo(b.col("user_index"))
            .and(a.col("rank").equalTo(b.col("rank"))), "full_outer");
        long differ = joined.filter(col("a.product_index").isNull().or(col("b.product_index").isNull())
            .or(col("a.product_index").notEqual(col("b.product_index"))
                .and(abs(col("a.score").minus(col("b.score")))
                    .gt(lit(1e-6).multiply(greatest(lit(1.0), abs(col("a.score")))))))).count();
        long tied = joined.filter(col("a.product_index").notEqual(col("b.product_index"))).count() - differ;
        out.printf("%n  agreement: mllib %,d rows, blocked %,d rows; %,d rows differ, %,d differ only within a"
            + " 1e-6 tie%n", rowsA, rowsB, differ, Math.max(0, tied));
        return differ == 0 && rowsA == rowsB ? 0 : 1;
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static ScoreJob scorer(List<String> base, String method) {
    List<String> o = new ArrayList<>(base);
    o.add("score.method=" + method);
    return new ScoreJob(ConfigLoader.load(List.of(), o));
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
