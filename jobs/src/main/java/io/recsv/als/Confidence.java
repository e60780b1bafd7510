package io.recsv.als;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.signum;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.recsv.config.Settings;
import io.recsv.config.UserError;
import io.recsv.lineage.RunLayout;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * What an interaction's weight r says to implicit-feedback ALS, which trusts a pair with confidence 1 + alpha w:
 * {@code train.confidence} picks w = r (linear, Hu, Koren and Volinsky's first form) or w = log(1 + r / epsilon)
 * (their log form: the tenth purchase says less than the first), and {@code train.weighting} then optionally
 * weighs the pairs across users and products, as the implicit library weighs its user-product matrix, so that
 * heavy users and blockbuster products do not drown the rest:
 * <ul>
 *   <li>bm25: w (k1 + 1) / (k1 L + w) idf(user), where L = (1 - b) + b (the product's total weight / the mean
 *       product's) damps the pairs of products with much weight, and idf(user) = ln(1 + (P - n + 0.5) / (n + 0.5))
 *       (Lucene's BM25 idf: n the user's products, P the products) damps users of many products;</li>
 *   <li>tfidf: sqrt(w) idf(user), idf(user) = ln((1 + P) / (1 + n)) + 1 (the smoothed idf).</li>
 * </ul>
 * Both idfs stay positive, so a liked product is never turned into a disliked one; a negative weight keeps its
 * sign. Both trainers read the weights this gives (MLlib's ALS applies its own 1 + alpha |w| to them), so what is
 * said here holds for train.method mllib as well.
 *
 * <p>Deterministic: the products' totals are summed as decimals (exact, in any order), and each user's pairs are
 * gathered and sorted by product before they are weighed, so the trainer sees the same rows in the same order on
 * every run.
 */
public record Confidence(Form form, double epsilon, Weighting weighting, double k1, double b) {

  /** {@code train.confidence}. */
  public enum Form { LINEAR, LOG }

  /** {@code train.weighting}. */
  public enum Weighting { NONE, BM25, TFIDF }

  /**
   * The products' totals of |w| as exact decimals: 30 integer digits and 8 decimals. A weight or total beyond them
   * refuses the training, naming the setting (weights of 1e30 are no one's interactions).
   */
  private static final int SUM_SCALE = 8;
  private static final double MAX_TOTAL = 1e30;

  private static final String PAIRS = "pairs";
  private static final String USER_PRODUCTS = "user_products";
  private static final String NORM = "norm";

  /** From the {@code train.*} settings, checked: anything but linear and none asks for implicit feedback. */
  public static Confidence from(Settings s) {
    Form form = s.enumValue("train.confidence", Form.class);
    double epsilon = s.doubleAtLeast("train.epsilon", 0);
    if (!(epsilon > 0)) {
      throw s.bad("train.epsilon", "must be more than 0 (the log form divides by it)");
    }
    Weighting weighting = s.enumValue("train.weighting", Weighting.class);
    double k1 = s.doubleAtLeast("train.bm25.k1", 0);
    double b = s.doubleAtLeast("train.bm25.b", 0);
    if (b > 1) {
      throw s.bad("train.bm25.b", "must be between 0 (no length normalization) and 1 (full)");
    }
    if (!s.bool("train.implicit-prefs") && (form != Form.LINEAR || weighting != Weighting.NONE)) {
      throw s.bad(form != Form.LINEAR ? "train.confidence" : "train.weighting", "applies to implicit feedback only"
          + " (train.implicit-prefs = true): explicit ratings are fitted as they are");
    }
    return new Confidence(form, epsilon, weighting, k1, b);
  }

  /** The start of what a task fails with when the weights are too large to weigh: {@link #explain} finds it. */
  private static final String TOO_LARGE = "train.weighting ";

  /**
   * The failure of a training whose weights were too large to weigh, as the user's error it is (Spark wraps the
   * task's message, once or several times, in its own); null for any other failure.
   */
  public static UserError explain(Throwable failure) {
    // Causes and suppressed ones: Spark's "multiple failures in stage materialization" keeps all but the first
    // stage's failure as suppressed, and its chains may be circular.
    java.util.Deque<Throwable> todo = new java.util.ArrayDeque<>(List.of(failure));
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    while (!todo.isEmpty()) {
      Throwable t = todo.pop();
      if (!seen.add(t)) {
        continue;
      }
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      todo.addAll(List.of(t.getSuppressed()));
      String message = String.valueOf(t.getMessage());
      int at = message.indexOf(TOO_LARGE);
      int end = message.indexOf("scale them down", Math.max(at, 0));
      if (at >= 0 && end > at) {
        return new UserError(message.substring(at, end + "scale them down".length()), failure);
      }
    }
    return null;
  }

  /** The weights as they are: nothing to compute. */
  public boolean isLinear() {
    return form == Form.LINEAR && weighting == Weighting.NONE;
  }

  /** "log (epsilon 1.0), bm25 (k1 100.0, b 0.8)", for the logs and the report. */
  public String describe() {
    String f = form == Form.LOG ? "log (epsilon " + epsilon + ")" : "linear";
    return switch (weighting) {
      case NONE -> f;
      case BM25 -> f + ", bm25 (k1 " + k1 + ", b " + b + ")";
      case TFIDF -> f + ", tfidf";
    };
  }

  /**
   * {@code interactions} (user_index, product_index, weight, ...) as the (user_index, product_index, weight) to
   * train on.
   */
  public Dataset<Row> apply(Dataset<Row> interactions) {
    Dataset<Row> pairs = interactions.select(col(RunLayout.USER_INDEX), col(RunLayout.PRODUCT_INDEX),
        col(RunLayout.WEIGHT));
    if (form == Form.LOG) {
      Column r = col(RunLayout.WEIGHT).cast(DataTypes.DoubleType);
      pairs = pairs.withColumn(RunLayout.WEIGHT, signum(r).multiply(log1p(abs(r).divide(epsilon)))
          .cast(DataTypes.FloatType));
    }
    return weighting == Weighting.NONE ? pairs : weigh(pairs);
  }

  private Dataset<Row> weigh(Dataset<Row> pairs) {
    Column w = abs(col(RunLayout.WEIGHT).cast(DataTypes.DoubleType));
    Column tooLarge = raise_error(lit(TOO_LARGE + weighting.name().toLowerCase(Locale.ROOT)
        + ": the interactions' weights add up to 1e30 or more, beyond what is weighed exactly; scale them down"));
    // The products' totals, exact.
    Dataset<Row> products = pairs.groupBy(RunLayout.PRODUCT_INDEX)
        .agg(sum(when(w.geq(MAX_TOTAL), tooLarge).otherwise(w.cast(DataTypes.createDecimalType(38, SUM_SCALE))))
            .as("total"));
    // Their number and sum, one row, beside every product (a broadcast of one row, not a window over one partition).
    Dataset<Row> catalogue = products.agg(count(lit(1)).as("products"), sum(col("total")).as("all"));
    Dataset<Row> norms = products.crossJoin(broadcast(catalogue))
        .select(col(RunLayout.PRODUCT_INDEX), col("products"),
            when(col("total").isNull().or(col("all").isNull()), tooLarge)
                .otherwise(lit(1 - b).plus(lit(b).multiply(col("total").cast(DataTypes.DoubleType)
                    .divide(col("all").cast(DataTypes.DoubleType).divide(col("products")))))).as(NORM));
    // Each user's pairs gathered, sorted by product, counted, then weighed in that order.
    Dataset<Row> users = pairs.groupBy(RunLayout.USER_INDEX)
        .agg(array_sort(collect_list(struct(col(RunLayout.PRODUCT_INDEX), col(RunLayout.WEIGHT)))).as(PAIRS))
        .select(col(RunLayout.USER_INDEX), size(col(PAIRS)).as(USER_PRODUCTS),
            explode(col(PAIRS)).as("pair"))
        .select(col(RunLayout.USER_INDEX), col(USER_PRODUCTS), col("pair." + RunLayout.PRODUCT_INDEX)
            .as(RunLayout.PRODUCT_INDEX), col("pair." + RunLayout.WEIGHT).as(RunLayout.WEIGHT));
    // A broadcast join streams the users' side in its order.
    Dataset<Row> joined = users.join(broadcast(norms), RunLayout.PRODUCT_INDEX);
    Column r = col(RunLayout.WEIGHT).cast(DataTypes.DoubleType);
    Column n = col(USER_PRODUCTS).cast(DataTypes.DoubleType);
    Column p = col("products").cast(DataTypes.DoubleType);
    Column weighed = switch (weighting) {
      case BM25 -> abs(r).multiply(k1 + 1).divide(col(NORM).multiply(k1).plus(abs(r)))
          .multiply(log1p(p.minus(n).plus(0.5).divide(n.plus(0.5))));
      case TFIDF -> sqrt(abs(r)).multiply(log(p.plus(1).divide(n.plus(1))).plus(1));
      case NONE -> throw new IllegalStateException("no weighting to apply");
    };
    // A zero weight stays zero (bm25 with k1 = 0 would divide 0 by 0).
    return joined.select(col(RunLayout.USER_INDEX), col(RunLayout.PRODUCT_INDEX),
        when(r.equalTo(0), lit(0f)).otherwise(signum(r).multiply(weighed)).cast(DataTypes.FloatType)
            .as(RunLayout.WEIGHT));
  }
}
