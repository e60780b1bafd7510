package io.recsv.evaluate;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.recsv.als.AlsTrainer;
import io.recsv.als.Confidence;
import io.recsv.als.Recommender;
import io.recsv.lineage.Lineage;
import io.recsv.fs.PathGuard;
import io.recsv.lineage.RunLayout;
import io.recsv.config.UserError;
import io.recsv.config.Settings;
import io.recsv.report.EvaluationMetrics.Ranking;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.SparkSession;

/**
 * {@code recsv tune}: a small seeded search around the settings as they are: each trial one step from the best
 * so far in one of {@code train.rank}, {@code train.reg-param}, {@code train.alpha}, {@code train.max-iter},
 * {@code train.confidence} and {@code train.weighting} (a seeded choice among the steps not yet tried). Each trial
 * is trained on one holdout of a run's prepared interactions (split once, as {@code evaluate.*} says) and measured
 * as the evaluate stage measures; the popularity baseline is computed once. The first trial is the configuration
 * as it is, so the table shows whether anything beats it.
 */
public final class Tuner {

  /** The values each setting steps through (whole numbers for rank and max-iter). */
  static final double[] RANKS = {4, 8, 16, 32, 64, 128};
  static final double[] REG_PARAMS = {0.003, 0.01, 0.03, 0.1, 0.3};
  static final double[] ALPHAS = {0.3, 1, 3, 10, 30, 100};
  static final double[] MAX_ITERS = {5, 10, 15, 20};

  /** One trial: its settings, how it ranked the holdout, and how long it took (train and measure). */
  public record Trial(int rank, double regParam, double alpha, int maxIter, Confidence.Form form,
      Confidence.Weighting weighting, List<Ranking> ranking, double seconds) {}

  /** The trials, best first by {@code metric}, and the popularity baseline's metrics. */
  public record Result(String metric, List<Trial> trials, List<Ranking> popularity) {}

  private final Config config;
  private final RunLayout layout;
  private final Recommender recommender;
  private final List<Integer> ks;

  public Tuner(Config config) {
    this.config = config;
    this.layout = RunLayout.of(config);
    this.recommender = Recommender.from(new Settings(config));
    this.ks = Holdout.ks(recommender.k());
  }

  /** The metrics' k, for naming the metric to sort by. */
  public List<Integer> ks() {
    return ks;
  }

  /**
   * Runs up to {@code trials} trials, stopping early once {@code budget} is spent (after the first); sorted by
   * {@code metric} (e.g. "ndcg@100", "precision@10").
   */
  public Result run(SparkSession spark, int trials, Duration budget, long seed, String metric, PrintStream progress)
      throws IOException {
    ToDoubleFunction<List<Ranking>> score = metric(metric);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Lineage.readChained(conf, layout, "tune", List.of(StageName.PREPARE));
    Path checkpoints = new Path(layout.checkpoints(), "tune");
    long started = System.nanoTime();
    List<Trial> done = new ArrayList<>();
    try (Holdout bench = Holdout.of(spark, layout, new Settings(config), ks)) {
      List<Ranking> popularity = bench.popularity();
      Random random = new Random(seed);
      List<Config> tried = new ArrayList<>();
      Config best = config;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (Config trial = config; trial != null && done.size() < trials; trial = neighbour(best, tried, random)) {
        if (!done.isEmpty() && System.nanoTime() - started > budget.toNanos()) {
          progress.printf("tune: the budget of %s is spent after %d trials%n", budget, done.size());
          break;
        }
        long t0 = System.nanoTime();
        Settings s = new Settings(trial);
        AlsTrainer trainer = AlsTrainer.from(s);
        ALSModel model = trainer.fit(spark, bench.train(), checkpoints.toString()).model();
        Trial t = new Trial(trial.getInt("train.rank"), trial.getDouble("train.reg-param"),
            trial.getDouble("train.alpha"), trial.getInt("train.max-iter"), trainer.confidence().form(),
            trainer.confidence().weighting(), bench.measure(model, recommender), (System.nanoTime() - t0) / 1e9);
        done.add(t);
        tried.add(trial);
        double value = score.applyAsDouble(t.ranking());
        if (value > bestScore) {
          best = trial;
          bestScore = value;
        }
        progress.printf("tune: trial %d: rank %d, reg-param %s, alpha %s, max-iter %d, confidence %s, weighting %s:"
            + " %s %.4f in %.1f s%n", done.size(), t.rank(), t.regParam(), t.alpha(), t.maxIter(), name(t.form()),
            name(t.weighting()), metric, value, t.seconds());
      }
      done.sort(Comparator.comparingDouble((Trial t) -> -score.applyAsDouble(t.ranking())));
      return new Result(metric, done, popularity);
    } finally {
      FileSystem fs = checkpoints.getFileSystem(conf);
      if (fs.exists(checkpoints)) {
        PathGuard.requireInside(fs, checkpoints, layout.runDir(), "tune's checkpoints", "the run's directory");
        fs.delete(checkpoints, true);
      }
    }
  }

  /** A seeded choice among the untried {@link #neighbours} of the best so far; null when all are tried. */
  static Config neighbour(Config best, List<Config> tried, Random random) {
    List<Config> untried = new ArrayList<>();
    for (Config c : neighbours(best)) {
      if (tried.stream().noneMatch(t -> same(t, c))) {
        untried.add(c);
      }
    }
    return untried.isEmpty() ? null : untried.get(random.nextInt(untried.size()));
  }

  /**
   * The settings one step from {@code at}: one of rank, reg-param, alpha and max-iter moved to the next value of
   * its grid above or below (the nearest ones when it is between them), or the other confidence form, or another
   * weighting; everything else as it is.
   */
  static List<Config> neighbours(Config at) {
    List<Config> out = new ArrayList<>();
    for (double v : steps(RANKS, at.getInt("train.rank"))) {
      out.add(at.withValue("train.rank", ConfigValueFactory.fromAnyRef((int) v)));
    }
    for (double v : steps(REG_PARAMS, at.getDouble("train.reg-param"))) {
      out.add(at.withValue("train.reg-param", ConfigValueFactory.fromAnyRef(v)));
    }
    for (double v : steps(ALPHAS, at.getDouble("train.alpha"))) {
      out.add(at.withValue("train.alpha", ConfigValueFactory.fromAnyRef(v)));
    }
    for (double v : steps(MAX_ITERS, at.getInt("train.max-iter"))) {
      out.add(at.withValue("train.max-iter", ConfigValueFactory.fromAnyRef((int) v)));
    }
    String form = at.getString("train.confidence").trim();
    for (Confidence.Form f : Confidence.Form.values()) {
      if (!name(f).equals(form)) {
        out.add(at.withValue("train.confidence", ConfigValueFactory.fromAnyRef(name(f))));
      }
    }
    String weighting = at.getString("train.weighting").trim();
    for (Confidence.Weighting w : Confidence.Weighting.values()) {
      if (!name(w).equals(weighting)) {
        out.add(at.withValue("train.weighting", ConfigValueFactory.fromAnyRef(name(w))));
      }
    }
    return out;
  }

  /** The grid's values next to {@code value}: below and above it, one each where there is one. */
  private static List<Double> steps(double[] grid, double value) {
    List<Double> out = new ArrayList<>();
    double below = Double.NaN;
    double above = Double.NaN;
    for (double g : grid) {
      if (g < value) {
        below = g;
      } else if (g > value && Double.isNaN(above)) {
        above = g;
      }
    }
    if (!Double.isNaN(below)) {
      out.add(below);
    }
    if (!Double.isNaN(above)) {
      out.add(above);
    }
    return out;
  }

  /** As the config writes it: "log", "bm25". */
  static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private static boolean same(Config a, Config b) {
    return a.getInt("train.rank") == b.getInt("train.rank")
        && a.getDouble("train.reg-param") == b.getDouble("train.reg-param")
        && a.getDouble("train.alpha") == b.getDouble("train.alpha")
        && a.getInt("train.max-iter") == b.getInt("train.max-iter")
        && a.getString("train.confidence").trim().equals(b.getString("train.confidence").trim())
        && a.getString("train.weighting").trim().equals(b.getString("train.weighting").trim());
  }

  /** "ndcg@100": the NDCG at 100 of a trial's ranking; the k must be one the metrics are computed at. */
  ToDoubleFunction<List<Ranking>> metric(String name) {
    String[] parts = name.toLowerCase(Locale.ROOT).split("@");
    int k = parts.length == 2 && parts[1].matches("\\d+") ? Integer.parseInt(parts[1]) : -1;
    int at = ks.indexOf(k);
    ToDoubleFunction<Ranking> value = switch (parts[0]) {
      case "ndcg" -> Ranking::ndcg;
      case "precision" -> Ranking::precision;
      case "recall" -> Ranking::recall;
      case "map" -> Ranking::map;
      case "hit-rate" -> Ranking::hitRate;
      default -> null;
    };
    if (value == null || at < 0) {
      throw new UserError("tune: --metric takes ndcg, precision, recall, map or hit-rate at " + ks.stream()
          .map(String::valueOf).reduce((x, y) -> x + " or " + y).orElse("") + ", e.g. ndcg@" + ks.get(ks.size() - 1)
          + "; got '" + name + "'");
    }
    return ranking -> value.applyAsDouble(ranking.get(at));
  }

  /** The best trial's settings as a config file to pass with --config. */
  public static String configFile(Result result, String runId) {
    Trial best = result.trials().get(0);
    return String.format(Locale.ROOT, "# recsv tune on run %s: the best of %d trials by %s.%n"
        + "train {%n  rank = %d%n  reg-param = %s%n  alpha = %s%n  max-iter = %d%n  confidence = %s%n"
        + "  weighting = %s%n}%n", runId, result.trials().size(), result.metric(), best.rank(), best.regParam(),
        best.alpha(), best.maxIter(), name(best.form()), name(best.weighting()));
  }

  /** The trials as a table, best first, with the popularity baseline below. */
  public static List<String> table(Result result) {
    List<String> lines = new ArrayList<>();
    // The columns at the k of the metric the trials are sorted by.
    int at = 0;
    for (int i = 0; i < result.popularity().size(); i++) {
      if (result.metric().endsWith("@" + result.popularity().get(i).k())) {
        at = i;
      }
    }
    String k = "@" + result.popularity().get(at).k();
    lines.add(String.format("  #  rank  reg-param  alpha  max-iter   confidence %13s %9s %8s %8s   seconds",
        "precision" + k, "recall" + k, "NDCG" + k, "MAP" + k));
    int i = 1;
    for (Trial t : result.trials()) {
      Ranking r = t.ranking().get(at);
      String confidence = name(t.form())
          + (t.weighting() == Confidence.Weighting.NONE ? "" : "+" + name(t.weighting()));
      lines.add(String.format(Locale.ROOT, "%3d %5d %10s %6s %9d %12s %13.4f %9.4f %8.4f %8.4f %9.1f", i++, t.rank(),
          t.regParam(), t.alpha(), t.maxIter(), confidence, r.precision(), r.recall(), r.ndcg(), r.map(),
          t.seconds()));
    }
    Ranking p = result.popularity().get(at);
    lines.add(String.format(Locale.ROOT, "    popularity baseline %40.4f %9.4f %8.4f %8.4f", p.precision(), p.recall(),
        p.ndcg(), p.map()));
    return lines;
  }
}
