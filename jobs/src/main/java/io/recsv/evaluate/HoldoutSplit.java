package io.recsv.evaluate;

import static org.apache.spark.sql.functions.arrays_zip;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.recsv.lineage.RunLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The holdout: of every {@code every}-th user (dense user indices, so an even sample), each user with at least
 * {@code minInteractions} pairs gives {@code fraction} of them (at least one, never all) to the holdout: its latest
 * when prepare kept the pairs' times ({@link #LATEST}), else a seeded hash's choice ({@link #RANDOM}); the rest, and
 * every pair of the other sampled users, trains.
 * <p>One row per user ({@link #USERS}: the products it trains with, sorted, their weights, and its held-out
 * products, sorted), made by one shuffle of the sampled pairs, by user; nothing is collected. Everything the
 * evaluation needs by user comes from it without another shuffle: the pairs ALS trains on, the products the scorer
 * leaves out (those the user trained with), the popularity baseline's seen products, the held-out products the
 * metrics look for. Held in memory (or on disk) until {@link #close}.
 */
final class HoldoutSplit implements AutoCloseable {

  static final String LATEST = "latest";
  static final String RANDOM = "random";
  static final String TRAIN = "train";
  static final String WEIGHTS = "weights";
  static final String HELD = "held";
  private static final String PAIRS = "pairs";

  /** One row per sampled user. */
  static final StructType USERS = new StructType()
      .add(RunLayout.USER_INDEX, DataTypes.IntegerType, false)
      .add(TRAIN, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add(WEIGHTS, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(HELD, DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  private final Dataset<Row> users;
  private final String method;

  private HoldoutSplit(Dataset<Row> users, String method) {
    this.users = users;
    this.method = method;
  }

  /** How the holdout was chosen: {@link #LATEST} or {@link #RANDOM}. */
  String method() {
    return method;
  }

  static HoldoutSplit of(Dataset<Row> interactions, double fraction, int minInteractions, long every, long seed) {
    boolean timed = List.of(interactions.columns()).contains(RunLayout.TIME);
    Column hash = xxhash64(col(RunLayout.USER_INDEX), col(RunLayout.PRODUCT_INDEX), lit(seed));
    // Each pair as (product, weight, hash, time); a user's pairs are put in the holdout's order in the task.
    Column pair = struct(col(RunLayout.PRODUCT_INDEX), col(RunLayout.WEIGHT), hash.as("hash"),
        timed ? col(RunLayout.TIME) : lit(0L).as(RunLayout.TIME));
    Dataset<Row> grouped = interactions.filter(col(RunLayout.USER_INDEX).mod(every).equalTo(0))
        .groupBy(RunLayout.USER_INDEX).agg(collect_list(pair).as(PAIRS));
    MapFunction<Row, Row> split = row -> split(row.getInt(0), row.getList(1), fraction, minInteractions, timed);
    Dataset<Row> users = grouped.map(split, Encoders.row(USERS)).persist(StorageLevel.MEMORY_AND_DISK());
    return new HoldoutSplit(users, timed ? LATEST : RANDOM);
  }

  /**
   * One user's row: its pairs in the holdout's order (latest first when timed, then by the seeded hash, then by
   * product); the first {@code max(1, floor(n * fraction))} are held out when the user has at least
   * {@code minInteractions}. Both lists sorted by product, so that the row does not depend on the order the
   * shuffle delivered the pairs in.
   */
  static Row split(int user, List<Row> pairs, double fraction, int minInteractions, boolean timed) {
    List<Row> ordered = new ArrayList<>(pairs);
    Comparator<Row> byHash = Comparator.<Row>comparingLong(p -> p.getLong(2)).thenComparingInt(p -> p.getInt(0));
    ordered.sort(timed ? Comparator.<Row>comparingLong(p -> p.getLong(3)).reversed().thenComparing(byHash) : byHash);
    int n = ordered.size();
    int heldCount = n >= minInteractions ? (int) Math.max(1, (long) Math.floor(n * fraction)) : 0;
    int[] held = new int[heldCount];
    for (int i = 0; i < heldCount; i++) {
      held[i] = ordered.get(i).getInt(0);
    }
    Arrays.sort(held);
    List<Row> rest = new ArrayList<>(ordered.subList(heldCount, n));
    rest.sort(Comparator.comparingInt(p -> p.getInt(0)));
    int[] train = new int[rest.size()];
    float[] weights = new float[rest.size()];
    for (int i = 0; i < train.length; i++) {
      train[i] = rest.get(i).getInt(0);
      weights[i] = rest.get(i).getFloat(1);
    }
    return RowFactory.create(user, train, weights, held);
  }

  /** One row per sampled user ({@link #USERS}). */
  Dataset<Row> users() {
    return users;
  }

  /** (user_index, product_index, weight) to train on. */
  Dataset<Row> train() {
    return users.select(col(RunLayout.USER_INDEX), explode(arrays_zip(col(TRAIN), col(WEIGHTS))).as("p"))
        .select(col(RunLayout.USER_INDEX), col("p." + TRAIN).as(RunLayout.PRODUCT_INDEX),
            col("p." + WEIGHTS).as(RunLayout.WEIGHT));
  }

  /** The counts the metrics file describes the split by: users training, users evaluated, pairs of each. */
  record Sizes(long trainUsers, long evaluatedUsers, long trainPairs, long heldPairs) {}

  Sizes sizes() {
    Row r = users.agg(sum(when(size(col(TRAIN)).gt(0), 1L).otherwise(0L)),
        sum(when(size(col(HELD)).gt(0), 1L).otherwise(0L)), sum(size(col(TRAIN)).cast("long")),
        sum(size(col(HELD)).cast("long"))).first();
    return new Sizes(r.isNullAt(0) ? 0 : r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1),
        r.isNullAt(2) ? 0 : r.getLong(2), r.isNullAt(3) ? 0 : r.getLong(3));
  }

  @Override
  public void close() {
    users.unpersist();
  }
}
