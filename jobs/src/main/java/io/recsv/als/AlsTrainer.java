package io.recsv.als;

import io.recsv.lineage.RunLayout;
import io.recsv.config.Settings;
import io.recsv.config.UserError;
import java.util.Locale;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * ALS as the {@code train.*} settings ask, over (user_index, product_index, weight) rows: the train stage fits the
 * week's model with it, the evaluate stage its holdout model. {@code train.method} picks the solver: {@code recsv}
 * ({@link BroadcastAls}) or {@code mllib} (Spark ML's ALS, the reference); both optimise the same objective and
 * give an ALSModel the score stage reads the same way.
 */
public final class AlsTrainer {

  private static final Logger LOG = LogManager.getLogger(AlsTrainer.class);

  /** {@code train.method}. */
  public enum Method { RECSV, MLLIB }

  /** A fitted model and how it was fitted (recsv falls back to MLlib when the products exceed its broadcast). */
  public record Fitted(ALSModel model, Method method, String note) {
    public String describe() {
      return method.name().toLowerCase(Locale.ROOT) + (note.isEmpty() ? "" : " (" + note + ")");
    }
  }

  /**
   * {@code train.solver}: auto picks cg from this rank up, where the exact solve is no faster than MLlib's and cg
   * matched its holdout quality on both test data sets; at rank 32 cg is faster than exact but fell behind on the
   * MovieLens sample (docs/training.md).
   */
  static final int CG_FROM_RANK = 64;

  /** {@code train.solver} (recsv only). */
  public enum SolverSetting { AUTO, EXACT, CG }

  private final ALS als;
  private final Confidence confidence;
  private final Method method;
  private final BroadcastAls.Solver solver;
  private final int cgSteps;
  private final int userBlocks;
  private final int itemBlocks;
  private final long maxBroadcastBytes;

  private AlsTrainer(ALS als, Confidence confidence, Method method, BroadcastAls.Solver solver, int cgSteps,
      int userBlocks, int itemBlocks, long maxBroadcastBytes) {
    this.als = als;
    this.confidence = confidence;
    this.method = method;
    this.solver = solver;
    this.cgSteps = cgSteps;
    this.userBlocks = userBlocks;
    this.itemBlocks = itemBlocks;
    this.maxBroadcastBytes = maxBroadcastBytes;
  }

  /** Bounds beyond which a setting would exhaust memory or run for days before it fails: refused up front. */
  static final int MAX_RANK = 2048;
  static final int MAX_ITER = 1000;

  /** From the {@code train.*} settings, checked. */
  public static AlsTrainer from(Settings s) {
    ALS als = new ALS()
        .setUserCol(RunLayout.USER_INDEX)
        .setItemCol(RunLayout.PRODUCT_INDEX)
        .setRatingCol(RunLayout.WEIGHT)
        .setImplicitPrefs(s.bool("train.implicit-prefs"))
        .setRank(s.intBetween("train.rank", 1, MAX_RANK, "each user's and product's solve holds rank x rank"
            + " doubles, 32 MiB at 2,048, for every task at once, and a product factor is rank floats"))
        .setMaxIter(s.intBetween("train.max-iter", 1, MAX_ITER, "ALS converges in tens of iterations; each is"
            + " two passes over the interactions"))
        .setRegParam(s.doubleAtLeast("train.reg-param", 0))
        .setAlpha(s.doubleAtLeast("train.alpha", 0))
        .setNonnegative(s.bool("train.nonnegative"))
        .setCheckpointInterval(s.intAtLeast("train.checkpoint-interval", 1))
        .setSeed(s.longValue("train.seed"));
    Method method = s.enumValue("train.method", Method.class);
    if (method == Method.RECSV && als.getNonnegative()) {
      throw s.bad("train.method", "cannot be recsv with train.nonnegative = true (a non-negative solve is MLlib's"
          + " alone: set train.method = mllib)");
    }
    BroadcastAls.Solver solver = switch (s.enumValue("train.solver", SolverSetting.class)) {
      case AUTO -> als.getRank() >= CG_FROM_RANK ? BroadcastAls.Solver.CG : BroadcastAls.Solver.EXACT;
      case EXACT -> BroadcastAls.Solver.EXACT;
      case CG -> BroadcastAls.Solver.CG;
    };
    return new AlsTrainer(als, Confidence.from(s), method, solver, s.intAtLeast("train.cg-steps", 1),
        s.intAtLeast("train.user-blocks", 0), s.intAtLeast("train.item-blocks", 0), (long) s.intAtLeast("train.max-broadcast-mb", 1) << 20);
  }

  public int maxIter() {
    return als.getMaxIter();
  }

  /** How the interactions' weights become confidences. */
  public Confidence confidence() {
    return confidence;
  }

  /**
   * Fits the model. MLlib's lineage grows with every iteration; without checkpoints (into {@code checkpointDir})
   * long runs overflow the stack. recsv's does not grow (see {@link BroadcastAls}).
   */
  public Fitted fit(SparkSession spark, Dataset<Row> prepared, String checkpointDir) {
    if (confidence.isLinear()) {
      return fitWeighed(spark, prepared, checkpointDir);
    }
    try {
      return fitWeighed(spark, confidence.apply(prepared), checkpointDir);
    } catch (Exception e) {  // Spark throws its SparkException unchecked
      UserError user = Confidence.explain(e);
      if (user != null) {
        throw user;
      }
      return ExceptionUtils.rethrow(e);
    }
  }

  private Fitted fitWeighed(SparkSession spark, Dataset<Row> interactions, String checkpointDir) {
    int parallelism = spark.sparkContext().defaultParallelism();
    if (method == Method.RECSV) {
      BroadcastAls recsv = new BroadcastAls(new BroadcastAls.Params(als.getRank(), als.getMaxIter(),
          als.getRegParam(), als.getAlpha(), als.getImplicitPrefs(), als.getSeed(),
          userBlocks > 0 ? userBlocks : parallelism, solver, cgSteps, als.getCheckpointInterval()));
      ALSModel model = recsv.fit(spark, interactions, maxBroadcastBytes, checkpointDir);
      if (model != null) {
        return new Fitted(model, Method.RECSV, solver == BroadcastAls.Solver.CG
            ? "conjugate gradient, " + cgSteps + " steps" : "exact");
      }
      String fallback = fallback(recsv.products(), als.getRank(), maxBroadcastBytes);
      LOG.warn("train: " + fallback);
      return new Fitted(mllib(spark, interactions, checkpointDir, parallelism), Method.MLLIB, fallback);
    }
    return new Fitted(mllib(spark, interactions, checkpointDir, parallelism), Method.MLLIB, "");
  }

  /** Why recsv's solver cannot take {@code products} at {@code rank} (MLlib then does), or null when it can. */
  static String fallback(long products, int rank, long maxBroadcastBytes) {
    long bytes = BroadcastAls.broadcastBytes(products, rank);
    if (bytes <= maxBroadcastBytes) {
      return null;
    }
    return String.format("fell back to mllib: %,d products x rank %d = %,d MiB of broadcast factors >"
        + " train.max-broadcast-mb %,d", products, rank, bytes >> 20, maxBroadcastBytes >> 20);
  }

  private ALSModel mllib(SparkSession spark, Dataset<Row> interactions, String checkpointDir, int parallelism) {
    spark.sparkContext().setCheckpointDir(checkpointDir);
    ALS copy = als.copy(als.extractParamMap());
    copy.setNumUserBlocks(userBlocks > 0 ? userBlocks : parallelism)
        .setNumItemBlocks(itemBlocks > 0 ? itemBlocks : parallelism);
    return copy.fit(interactions);
  }
}
