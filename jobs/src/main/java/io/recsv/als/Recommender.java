package io.recsv.als;

import io.recsv.config.UserError;
import io.recsv.config.Settings;
import io.recsv.lineage.TopLists;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The top k products of every user of a model, normalized, as the {@code score.*} settings ask: exact, by the
 * blocked scorer (or MLlib's {@code recommendForAllUsers}, the reference), optionally without the products each
 * user has seen. The score stage publishes its lists ({@link TopLists#SCHEMA}: one row per user); the evaluate
 * stage scores its holdout users with the same, one row per recommendation ({@link TopLists#rows}).
 */
public final class Recommender {

  /** {@code score.method}: recsv's exact blocked top k, or MLlib's recommendForAllUsers (the reference). */
  public enum Method { BLOCKED, MLLIB }

  private final Method method;
  private final int k;
  private final Normalization normalization;
  private final boolean excludeSeen;
  private final int userBlockSize;
  private final int usersPerSlicePass;
  private final long itemBudgetBytes;
  private final long topKBudgetBytes;

  private Recommender(Method method, int k, Normalization normalization, boolean excludeSeen, int userBlockSize,
      int usersPerSlicePass, long itemBudgetBytes, long topKBudgetBytes) {
    this.topKBudgetBytes = topKBudgetBytes;
    this.method = method;
    this.k = k;
    this.normalization = normalization;
    this.excludeSeen = excludeSeen;
    this.userBlockSize = userBlockSize;
    this.usersPerSlicePass = usersPerSlicePass;
    this.itemBudgetBytes = itemBudgetBytes;
  }

  /** From the {@code score.*} settings, checked. */
  public static Recommender from(Settings s) {
    Recommender r = new Recommender(s.enumValue("score.method", Method.class), s.intAtLeast("score.k", 1),
        Normalization.from(s), s.bool("score.exclude-seen"), s.intAtLeast("score.user-block-size", 1),
        s.intAtLeast("score.users-per-slice-pass", 1), s.intAtLeast("score.item-budget-mb", 1) * 1024L * 1024L,
        s.intAtLeast("score.topk-budget-mb", 1) * 1024L * 1024L);
    if (r.excludeSeen && r.method == Method.MLLIB) {
      throw new UserError("score.exclude-seen = true needs score.method = blocked (MLlib cannot exclude items)");
    }
    return r;
  }

  /** The same with another k. */
  public Recommender withK(int otherK) {
    return new Recommender(method, otherK, normalization, excludeSeen, userBlockSize, usersPerSlicePass,
        itemBudgetBytes, topKBudgetBytes);
  }

  public int k() {
    return k;
  }

  public boolean excludesSeen() {
    return excludeSeen;
  }

  /** The column of {@link #seenLists}: a user's seen products, sorted. */
  public static final String SEEN = "seen";

  /** (user_index, product_index) pairs as one row per user: user_index, {@link #SEEN} (sorted product indices). */
  public static Dataset<Row> seenLists(Dataset<Row> pairs) {
    return SeenLists.of(pairs);
  }

  /**
   * Every user's list, not yet computed: score's output ({@link TopLists#SCHEMA}).
   * @param modelPath where the model came from, named in errors about its factors
   * @param seen each user's seen products ({@link #seenLists}); used only when the settings exclude them
   */
  public Dataset<Row> topLists(SparkSession spark, FactorModel model, String modelPath, Dataset<Row> seen) {
    if (method == Method.MLLIB) {
      return new MllibScorer(k, normalization).score(model.toAls());
    }
    return new BlockedScorer(k, userBlockSize, usersPerSlicePass, itemBudgetBytes, topKBudgetBytes, normalization,
        modelPath)
        .score(spark, model, excludeSeen ? seen : null);
  }

  /** The same as one row per recommendation ({@link TopLists#rows}): user_index, product_index, rank, score, raw_score. */
  public Dataset<Row> topK(SparkSession spark, FactorModel model, String modelPath, Dataset<Row> seen) {
    return TopLists.rows(topLists(spark, model, modelPath, seen));
  }

  /** "top 100 by blocked, max normalization". */
  public String describe() {
    return String.format("top %d by %s, %s normalization", k, method.name().toLowerCase(Locale.ROOT),
        normalization.name().toLowerCase().replace('_', '-'));
  }
}
