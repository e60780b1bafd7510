package io.recsv.evaluate;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.recsv.als.AlsTrainer;
import io.recsv.als.Confidence;
import io.recsv.als.Recommender;
import io.recsv.als.TunedSettings;
import io.recsv.config.Settings;
import io.recsv.lineage.RunLayout;
import io.recsv.report.EvaluationMetrics.Ranking;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A seeded search for training settings on one holdout, one step at a time from the best so far: the first trial
 * is the settings as they are; each next one moves one of {@link TunedSettings#KEYS} one step from the best trial
 * yet ({@link #neighbours}, a seeded choice among the steps not tried). The same seed and the same holdout try
 * the same settings in the same order. The evaluate stage chooses the week's settings with it, {@code recsv tune}
 * prints its table.
 * <p>It stops after {@code trials}, when every step from the best is tried, or before a trial that the time budget
 * would not cover, judged by the last trial's time (a search started on a slow day may so try fewer).
 */
final class CandidateSearch {

  /** The values each setting steps through (whole numbers for rank and max-iter). */
  static final double[] RANKS = {4, 8, 16, 32, 64, 128};
  static final double[] REG_PARAMS = {0.003, 0.01, 0.03, 0.1, 0.3};
  static final double[] ALPHAS = {0.3, 1, 3, 10, 30, 100};
  static final double[] MAX_ITERS = {5, 10, 15, 20};

  /** One trial: its settings, how it ranked the holdout, and how long it took (train and measure). */
  record Trial(Config config, List<Ranking> ranking, double seconds) {
    SortedMap<String, String> settings() {
      return TunedSettings.of(config);
    }
  }

  /** Why a search ended. */
  enum Stop {
    TRIALS("the trials were all made"),
    NEIGHBOURS("every step from the best settings was tried"),
    TIME("the next trial would have overrun the time budget");

    private final String description;

    Stop(String description) {
      this.description = description;
    }

    String description() {
      return description;
    }
  }

  /** The trials in the order they were made, the index of the best, and why the search ended. */
  record Outcome(List<Trial> trials, int best, Stop stop) {
    Trial bestTrial() {
      return trials.get(best);
    }
  }

  /**
   * The mean |weight| the trainer sees under the confidence form and weighting of {@code settings}: what alpha
   * multiplies in the confidence 1 + alpha |w|.
   */
  interface WeightScale {
    double meanWeight(Config settings);

    /** Every form and weighting alike: alpha is never rescaled. */
    WeightScale SAME = settings -> 1;
  }

  private final Holdout holdout;
  private final Recommender recommender;
  private final String checkpoints;
  private final Map<Confidence, Double> meanWeights = new HashMap<>();

  /** On {@code holdout}, lists made as {@code recommender} makes them, checkpoints (MLlib's) under this path. */
  CandidateSearch(Holdout holdout, Recommender recommender, String checkpoints) {
    this.holdout = holdout;
    this.recommender = recommender;
    this.checkpoints = checkpoints;
  }

  /**
   * Up to {@code trials} trials from {@code start}; the trials after the first may take {@code budgetSeconds}
   * together (infinite: no limit). {@code score}: the larger, the better; {@code progress} hears of each trial.
   */
  Outcome run(SparkSession spark, Config start, int trials, double budgetSeconds, long seed,
      ToDoubleFunction<List<Ranking>> score, Consumer<Trial> progress) {
    Random random = new Random(seed);
    List<Trial> done = new ArrayList<>();
    List<Config> tried = new ArrayList<>();
    int best = -1;
    double bestScore = Double.NEGATIVE_INFINITY;
    double spent = 0;
    Config next = start;
    Stop stop = Stop.TRIALS;
    while (done.size() < trials) {
      if (next == null) {
        stop = Stop.NEIGHBOURS;
        break;
      }
      if (!done.isEmpty() && spent + done.get(done.size() - 1).seconds() > budgetSeconds) {
        stop = Stop.TIME;
        break;
      }
      Trial t = trial(spark, next);
      if (!done.isEmpty()) {
        spent += t.seconds();
      }
      done.add(t);
      tried.add(next);
      progress.accept(t);
      double value = score.applyAsDouble(t.ranking());
      if (value > bestScore) {  // ties keep the earlier: the configured settings win a draw
        best = done.size() - 1;
        bestScore = value;
      }
      if (done.size() < trials) {  // the steps cost a weighing of the pairs: not after the last trial
        next = neighbour(done.get(best).config(), tried, random, this::meanWeight);
      }
    }
    return new Outcome(List.copyOf(done), best, stop);
  }

  /** {@link WeightScale} on the holdout's training pairs, once for each form and weighting. */
  private double meanWeight(Config settings) {
    Confidence confidence = AlsTrainer.from(new Settings(settings)).confidence();
    return meanWeights.computeIfAbsent(confidence, c -> {
      Row mean = c.apply(holdout.train()).agg(avg(abs(col(RunLayout.WEIGHT)))).first();
      return mean.isNullAt(0) ? 1 : mean.getDouble(0);
    });
  }

  private Trial trial(SparkSession spark, Config settings) {
    long t0 = System.nanoTime();
    ALSModel model = AlsTrainer.from(new Settings(settings)).fit(spark, holdout.train(), checkpoints).model();
    List<Ranking> ranking = holdout.measure(model, recommender);
    return new Trial(settings, ranking, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * A seeded choice among the untried {@link #neighbours} of the best so far; null when all are tried. A step that
   * carries alpha to another form or weighting is weighed ({@code scale}) only when it is the one chosen, or when
   * a tried trial differs from it in alpha alone: the choice is the same as among the weighed steps.
   */
  static Config neighbour(Config best, List<Config> tried, Random random, WeightScale scale) {
    List<Step> untried = new ArrayList<>();
    for (Step step : stepsFrom(best)) {
      if (!step.triedIn(tried, scale)) {
        untried.add(step);
      }
    }
    return untried.isEmpty() ? null : untried.get(random.nextInt(untried.size())).settings(scale);
  }

  /**
   * The settings one step from {@code at}: one of rank, reg-param, alpha and max-iter moved to the next value of
   * its grid above or below (the nearest ones when it is between them), or the other confidence form, or another
   * weighting; everything else as it is. A step to another form or weighting rescales alpha so that alpha times
   * the mean weight ({@code scale}) stays as it was: a weighting multiplies the weights by its idf (about 3 to 10),
   * and its alpha at the old value would be a step far off (two significant digits kept). Explicit feedback has
   * neither alpha, forms nor weightings: rank, reg-param and max-iter only.
   */
  static List<Config> neighbours(Config at, WeightScale scale) {
    return stepsFrom(at).stream().map(step -> step.settings(scale)).toList();
  }

  /** A step from {@code from} to {@code to}; one to another form or weighting still has alpha to carry. */
  private record Step(Config from, Config to, boolean carriesAlpha) {

    Config settings(WeightScale scale) {
      return carriesAlpha ? rescaled(from, to, scale) : to;
    }

    boolean triedIn(List<Config> tried, WeightScale scale) {
      SortedMap<String, String> apartFromAlpha = withoutAlpha(to);
      if (carriesAlpha && tried.stream().noneMatch(t -> withoutAlpha(t).equals(apartFromAlpha))) {
        return false;
      }
      SortedMap<String, String> settings = TunedSettings.of(settings(scale));
      return tried.stream().anyMatch(t -> TunedSettings.of(t).equals(settings));
    }

    private static SortedMap<String, String> withoutAlpha(Config c) {
      SortedMap<String, String> s = TunedSettings.of(c);
      s.remove(TunedSettings.ALPHA);
      return s;
    }
  }

  /** {@link #neighbours}, alpha not yet carried. */
  private static List<Step> stepsFrom(Config at) {
    List<Step> out = new ArrayList<>();
    boolean implicit = at.getBoolean("train.implicit-prefs");
    for (double v : steps(RANKS, at.getInt(TunedSettings.RANK))) {
      out.add(new Step(at, at.withValue(TunedSettings.RANK, ConfigValueFactory.fromAnyRef((int) v)), false));
    }
    for (double v : steps(REG_PARAMS, at.getDouble(TunedSettings.REG_PARAM))) {
      out.add(new Step(at, at.withValue(TunedSettings.REG_PARAM, ConfigValueFactory.fromAnyRef(v)), false));
    }
    for (double v : steps(MAX_ITERS, at.getInt(TunedSettings.MAX_ITER))) {
      out.add(new Step(at, at.withValue(TunedSettings.MAX_ITER, ConfigValueFactory.fromAnyRef((int) v)), false));
    }
    if (!implicit) {
      return out;
    }
    for (double v : steps(ALPHAS, at.getDouble(TunedSettings.ALPHA))) {
      out.add(new Step(at, at.withValue(TunedSettings.ALPHA, ConfigValueFactory.fromAnyRef(v)), false));
    }
    String form = at.getString(TunedSettings.CONFIDENCE).trim();
    for (Confidence.Form f : Confidence.Form.values()) {
      if (!name(f).equals(form)) {
        out.add(new Step(at, at.withValue(TunedSettings.CONFIDENCE, ConfigValueFactory.fromAnyRef(name(f))), true));
      }
    }
    String weighting = at.getString(TunedSettings.WEIGHTING).trim();
    for (Confidence.Weighting w : Confidence.Weighting.values()) {
      if (!name(w).equals(weighting)) {
        out.add(new Step(at, at.withValue(TunedSettings.WEIGHTING, ConfigValueFactory.fromAnyRef(name(w))), true));
      }
    }
    return out;
  }

  /** {@code to} with the alpha that gives its mean weight the confidence {@code from}'s alpha gave its own. */
  private static Config rescaled(Config from, Config to, WeightScale scale) {
    double before = scale.meanWeight(from);
    double after = scale.meanWeight(to);
    if (!(before > 0) || !(after > 0) || !Double.isFinite(before / after)) {
      return to;
    }
    double alpha = new BigDecimal(from.getDouble(TunedSettings.ALPHA) * before / after)
        .round(new MathContext(2)).doubleValue();
    return to.withValue(TunedSettings.ALPHA, ConfigValueFactory.fromAnyRef(alpha));
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
}
