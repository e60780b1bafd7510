package io.recsv.evaluate;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.als.AlsTrainer;
import io.recsv.als.Confidence;
import io.recsv.als.Recommender;
import io.recsv.als.TunedSettings;
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
import java.util.function.ToDoubleFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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

  /** One trial: its settings, how it ranked the holdout, and how long it took (train and measure). */
  public record Trial(int rank, double regParam, double alpha, int maxIter, Confidence.Form form,
      Confidence.Weighting weighting, List<Ranking> ranking, double seconds) {
    static Trial of(CandidateSearch.Trial t) {
      Config c = t.config();
      Confidence confidence = AlsTrainer.from(new Settings(c)).confidence();
      return new Trial(c.getInt(TunedSettings.RANK), c.getDouble(TunedSettings.REG_PARAM),
          c.getDouble(TunedSettings.ALPHA), c.getInt(TunedSettings.MAX_ITER), confidence.form(),
          confidence.weighting(), t.ranking(), t.seconds());
    }
  }

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
   * Runs up to {@code trials} trials, the ones after the first within {@code budget} ({@link CandidateSearch});
   * sorted by {@code metric} (e.g. "ndcg@100", "precision@10").
   */
  public Result run(SparkSession spark, int trials, Duration budget, long seed, String metric, PrintStream progress)
      throws IOException {
    ToDoubleFunction<List<Ranking>> score = metric(metric);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Lineage prepared = Lineage.readChained(conf, layout, "tune", List.of(StageName.PREPARE)).get(0);
    Path checkpoints = new Path(layout.checkpoints(), "tune");
    List<Trial> done = new ArrayList<>();
    try (Holdout bench = Holdout.of(spark, conf, layout, new Settings(config), ks, prepared)) {
      List<Ranking> popularity = bench.popularity();
      CandidateSearch search = new CandidateSearch(bench, recommender, checkpoints.toString());
      CandidateSearch.Outcome outcome = search.run(spark, config, trials, budget.toSeconds(), seed, score, t -> {
        Trial trial = Trial.of(t);
        done.add(trial);
        progress.printf("tune: trial %d: rank %d, reg-param %s, alpha %s, max-iter %d, confidence %s, weighting %s:"
            + " %s %.4f in %.1f s%n", done.size(), trial.rank(), trial.regParam(), trial.alpha(), trial.maxIter(),
            CandidateSearch.name(trial.form()), CandidateSearch.name(trial.weighting()), metric,
            score.applyAsDouble(trial.ranking()), trial.seconds());
      });
      if (outcome.stop() != CandidateSearch.Stop.TRIALS) {
        progress.printf("tune: stopped after %d trials: %s%n", done.size(), outcome.stop().description());
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
        best.alpha(), best.maxIter(), CandidateSearch.name(best.form()), CandidateSearch.name(best.weighting()));
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
      String confidence = CandidateSearch.name(t.form())
          + (t.weighting() == Confidence.Weighting.NONE ? "" : "+" + CandidateSearch.name(t.weighting()));
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
