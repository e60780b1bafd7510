package io.recsv.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.recsv.lineage.RunLayout;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

/**
 * The holdout: of every {@code every}-th user (dense user indices, so an even sample), each user with at least
 * {@code minInteractions} pairs gives {@code fraction} of them (at least one, never all) to the holdout: its latest
 * when prepare kept the pairs' times ({@link #LATEST}), else a seeded hash's choice ({@link #RANDOM}); the rest, and every pair of the other sampled users, trains. All in Spark, by
 * user: nothing is collected. Held in memory (or on disk) until {@link #release}: ALS and the metrics read it
 * many times.
 */
final class HoldoutSplit implements AutoCloseable {

  static final String LATEST = "latest";
  static final String RANDOM = "random";
  private static final String HELD = "held";

  private final Dataset<Row> marked;
  private final String method;

  private HoldoutSplit(Dataset<Row> marked, String method) {
    this.marked = marked;
    this.method = method;
  }

  /** How the holdout was chosen: {@link #LATEST} or {@link #RANDOM}. */
  String method() {
    return method;
  }

  static HoldoutSplit of(Dataset<Row> interactions, double fraction, int minInteractions, long every, long seed) {
    WindowSpec user = Window.partitionBy(RunLayout.USER_INDEX);
    boolean timed = List.of(interactions.columns()).contains(RunLayout.TIME);
    Column hash = xxhash64(col(RunLayout.USER_INDEX), col(RunLayout.PRODUCT_INDEX), lit(seed));
    Column n = count(lit(1)).over(user);
    Column position = row_number().over(timed
        ? user.orderBy(col(RunLayout.TIME).desc(), hash, col(RunLayout.PRODUCT_INDEX))  // latest first
        : user.orderBy(hash, col(RunLayout.PRODUCT_INDEX)));
    Column held = n.geq(minInteractions).and(position.leq(greatest(lit(1L), floor(n.multiply(fraction)))));
    return new HoldoutSplit(interactions.filter(col(RunLayout.USER_INDEX).mod(every).equalTo(0))
        .withColumn(HELD, held).persist(StorageLevel.MEMORY_AND_DISK()), timed ? LATEST : RANDOM);
  }

  /** (user_index, product_index, weight) to train on. */
  Dataset<Row> train() {
    return marked.filter(col(HELD).equalTo(false)).select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX,
        RunLayout.WEIGHT);
  }

  /** (user_index, product_index) held out. */
  Dataset<Row> holdout() {
    return marked.filter(col(HELD)).select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX);
  }

  @Override
  public void close() {
    marked.unpersist();
  }
}
