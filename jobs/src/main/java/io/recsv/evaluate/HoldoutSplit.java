package io.recsv.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.recsv.lineage.RunLayout;
import io.recsv.run.SparkSessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
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
 * metrics look for. Held in memory (or on disk) until {@link #close}, as Spark's own rows: a {@code Row} of
 * {@code int[]} is converted element by element, boxed, and a DataFrame's columnar cache takes longer to build than
 * the rows themselves.
 */
final class HoldoutSplit implements AutoCloseable {

  static final String LATEST = "latest";
  static final String RANDOM = "random";
  static final String TRAIN = "train";
  static final String WEIGHTS = "weights";
  static final String HELD = "held";

  /** One row per sampled user. */
  static final StructType USERS = new StructType()
      .add(RunLayout.USER_INDEX, DataTypes.IntegerType, false)
      .add(TRAIN, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add(WEIGHTS, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(HELD, DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  /** The pairs to train on ({@link #train}). */
  private static final StructType TRAIN_PAIRS = RunLayout.interactionsSchema(false);

  private final JavaRDD<InternalRow> rows;
  private final Dataset<Row> users;
  private final String method;
  private final long every;

  private HoldoutSplit(JavaRDD<InternalRow> rows, Dataset<Row> users, String method, long every) {
    this.rows = rows;
    this.users = users;
    this.method = method;
    this.every = every;
  }

  /** How the holdout was chosen: {@link #LATEST} or {@link #RANDOM}. */
  String method() {
    return method;
  }

  static HoldoutSplit of(Dataset<Row> interactions, double fraction, int minInteractions, long every, long seed) {
    boolean timed = List.of(interactions.columns()).contains(RunLayout.TIME);
    Dataset<Row> pairs = interactions.filter(col(RunLayout.USER_INDEX).mod(every).equalTo(0))
        .select(col(RunLayout.USER_INDEX).cast("int"), col(RunLayout.PRODUCT_INDEX).cast("int"),
            col(RunLayout.WEIGHT).cast("float"), timed ? col(RunLayout.TIME).cast("long") : lit(0L));
    SparkSession spark = interactions.sparkSession();
    int partitions = Math.max(SparkSessions.shufflePartitions(spark),
        pairs.rdd().getNumPartitions());
    // Spark's own rows, read in place, shuffled as chunks of primitive arrays to the partition of their user.
    JavaRDD<InternalRow> rows = pairs.queryExecution().toRdd().toJavaRDD()
        .mapPartitionsToPair(r -> PairChunk.split(r, every, partitions))
        .partitionBy(new HashPartitioner(partitions))
        .values()
        .mapPartitions(chunks -> rowsOf(PairChunk.joined(chunks, seed), every, partitions, fraction,
            minInteractions));
    rows.persist(StorageLevel.MEMORY_AND_DISK());
    return new HoldoutSplit(rows, spark.internalCreateDataFrame(rows.rdd(), USERS, false), timed ? LATEST : RANDOM,
        every);
  }

  /**
   * A partition's users, one row each, in ascending order: of a user's n pairs in the holdout's order, the first
   * {@code max(1, floor(n * fraction))} are held out when n is at least {@code minInteractions}. Both lists sorted
   * by product, so that the row does not depend on the order the shuffle delivered the pairs in.
   */
  private static Iterator<InternalRow> rowsOf(PairChunk chunk, long every, int partitions, double fraction,
      int minInteractions) {
    List<InternalRow> out = new ArrayList<>();
    chunk.forEachUser(every, partitions, (user, order, from, to) -> {
      int n = to - from;
      int heldCount = n >= minInteractions ? (int) Math.max(1, (long) Math.floor(n * fraction)) : 0;
      int[] held = new int[heldCount];
      for (int i = 0; i < heldCount; i++) {
        held[i] = chunk.products[order[from + i]];
      }
      Arrays.sort(held);
      // The rest by product, each with its weight: a product index (not negative) in the high half of a long.
      long[] rest = new long[n - heldCount];
      for (int i = heldCount; i < n; i++) {
        int at = order[from + i];
        rest[i - heldCount] = (long) chunk.products[at] << 32
            | (Float.floatToRawIntBits(chunk.weights[at]) & 0xFFFFFFFFL);
      }
      Arrays.sort(rest);
      int[] train = new int[rest.length];
      float[] weights = new float[rest.length];
      for (int i = 0; i < rest.length; i++) {
        train[i] = (int) (rest[i] >>> 32);
        weights[i] = Float.intBitsToFloat((int) rest[i]);
      }
      out.add(new GenericInternalRow(new Object[] {user, UnsafeArrayData.fromPrimitiveArray(train),
          UnsafeArrayData.fromPrimitiveArray(weights), UnsafeArrayData.fromPrimitiveArray(held)}));
    });
    return out.iterator();
  }

  /** One row per sampled user ({@link #USERS}). */
  Dataset<Row> users() {
    return users;
  }

  /**
   * (user_index, product_index, weight) to train on, each user as its place in the sample (its index / every), so
   * the indices are dense again: ALS puts a user in the block its index modulo the blocks gives, and the sampled
   * indices, all multiples of every, would fall in the few blocks every divides (5 of 200 blocks when every 40th
   * user is sampled), leaving the other tasks idle. {@link #userIndexOf} maps a model's users back. The pairs are
   * read from the cached rows' arrays in place: Spark's explode of the zipped arrays built a struct per pair.
   */
  Dataset<Row> train() {
    long sampleEvery = every;
    JavaRDD<InternalRow> pairs = rows.mapPartitions(users -> new TrainPairs(users, sampleEvery));
    return users.sparkSession().internalCreateDataFrame(pairs.rdd(), TRAIN_PAIRS, false);
  }

  /** The training pairs of a partition's users, one row reused for each (Spark copies what it keeps). */
  private static final class TrainPairs implements Iterator<InternalRow> {
    private final Iterator<InternalRow> users;
    private final long every;
    private final SpecificInternalRow pair = new SpecificInternalRow(TRAIN_PAIRS);
    private ArrayData products;
    private ArrayData weights;
    private int at;

    TrainPairs(Iterator<InternalRow> users, long every) {
      this.users = users;
      this.every = every;
    }

    @Override
    public boolean hasNext() {
      while ((products == null || at == products.numElements()) && users.hasNext()) {
        InternalRow user = users.next();
        pair.setInt(0, (int) (user.getInt(0) / every));
        products = user.getArray(1);
        weights = user.getArray(2);
        at = 0;
      }
      return products != null && at < products.numElements();
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      pair.setInt(1, products.getInt(at));
      pair.setFloat(2, weights.getFloat(at));
      at++;
      return pair;
    }
  }

  /** The user_index of the user of a model trained on {@link #train} whose id is {@code trained}. */
  Column userIndexOf(Column trained) {
    return trained.multiply(every).cast("int");
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
    rows.unpersist(false);
  }
}
