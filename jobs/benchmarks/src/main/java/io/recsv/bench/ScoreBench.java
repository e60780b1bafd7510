package io.recsv.bench;

import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import com.typesafe.config.Config;
import io.recsv.generate.Generator;
import io.recsv.als.FactorModel;
import io.recsv.als.KernelProbe;
import io.recsv.lineage.RunLayout;
import io.recsv.run.SparkSessions;
import io.recsv.config.ConfigLoader;
import io.recsv.prepare.PrepareJob;
import io.recsv.score.ScoreJob;
import io.recsv.testing.SameTopK;
import io.recsv.train.TrainJob;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recsv bench score}: MLlib's recommendForAllUsers against recsv's blocked scorer, on one model, in one
 * run: both write Parquet, the outputs are compared row by row, and the blocked time is split into
 * arithmetic, selection and writing.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"MLlib's recommendForAllUsers against recsv's blocked scorer on one model; the outputs compared.",
        "The model is trained once (ALS, 3 iterations on generated data) and reused from --work afterwards."})
public final class ScoreBench implements Callable<Integer> {

  @Option(names = "--users", description = "users (default ${DEFAULT-VALUE})")
  int users = 200_000;
  @Option(names = "--products", description = "products (default ${DEFAULT-VALUE})")
  int products = 20_000;
  @Option(names = "--rank", description = "rank (default ${DEFAULT-VALUE})")
  int rank = 16;
  @Option(names = "--k", description = "recommendations per user (default ${DEFAULT-VALUE})")
  int k = 100;
  @Option(names = "--work", description = "work directory (default ${DEFAULT-VALUE})")
  Path work = Path.of("recsv-work/bench-score");
  @Option(names = "--skip-mllib", description = "time the blocked scorer only")
  boolean skipMllib;
  @Option(names = "-D", paramLabel = "key=value", description = "a config key, e.g. -D score.user-block-size=512")
  List<String> defines = new ArrayList<>();

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Path work = this.work.toAbsolutePath();
    String runId = users + "x" + products + "-r" + rank;
    Path input = work.resolve(runId + "-input.csv");

    List<String> overrides = new ArrayList<>(List.of("spark.master=local[2]", "run.root=" + work,
        "run.id=" + runId, "prepare.input=" + input, "train.rank=" + rank, "train.max-iter=3",
        "score.k=" + k, "score.normalization=none", "score.exclude-seen=false"));
    overrides.addAll(defines);
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
      if (!skipMllib) {
        Dataset<Row> m = scorer(overrides, "mllib").top(spark, FactorModel.of(als));
        long t0 = System.nanoTime();
        m.write().mode("overwrite").parquet(mllibOut);
        mllib = secs(t0);
      }
      ScoreJob blockedJob = scorer(overrides, "blocked");
      long t0 = System.nanoTime();
      blockedJob.top(spark, FactorModel.of(als)).write().format("noop").mode("overwrite").save();
      double blockedCompute = secs(t0);
      String blockedOut = work.resolve("out-blocked").toString();
      t0 = System.nanoTime();
      blockedJob.top(spark, FactorModel.of(als)).write().mode("overwrite").parquet(blockedOut);
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
        Dataset<Row> a = spark.read().parquet(mllibOut);
        Dataset<Row> b = spark.read().parquet(blockedOut);
        long rowsA = a.count();
        long rowsB = b.count();
        // Per user, SameTopK's rule: the same scores, the same products at each run of ties.
        long differ = byUser(a, "a").join(byUser(b, "b"), new String[] {"user_index"}, "full_outer").javaRDD()
            .filter(r -> SameTopK.firstDifference(picks(r, "a"), picks(r, "b")) != null).count();
        out.printf("%n  agreement: mllib %,d rows, blocked %,d rows; %,d users' top %d differ (ties may reorder,"
            + " products may not change)%n", rowsA, rowsB, differ, k);
        return differ == 0 && rowsA == rowsB ? 0 : 1;
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** One row per user: its (rank, product, score) in rank order, as column {@code name}. */
  private static Dataset<Row> byUser(Dataset<Row> top, String name) {
    return top.groupBy("user_index").agg(sort_array(collect_list(struct("rank", "product_index", "score"))).as(name));
  }

  private static List<SameTopK.Pick> picks(Row r, String name) {
    int at = r.fieldIndex(name);
    if (r.isNullAt(at)) {
      return List.of();
    }
    return r.<Row>getList(at).stream().map(p -> new SameTopK.Pick(p.getInt(1), p.getFloat(2))).toList();
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
