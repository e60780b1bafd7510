package io.recsv.als;

import static org.apache.spark.sql.functions.arrays_zip;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode;

import io.recsv.lineage.RunLayout;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The score stage's rows, shared by both scoring methods. Tasks emit one row per user with the top list as two
 * primitive arrays ({@link #LISTS}); Spark's generated code then explodes them into one row per (user, rank)
 * ({@link #SCHEMA}), much faster than building millions of rows one object at a time.
 */
final class TopRows {

  /** One row per user: its top products, normalized and raw scores, best first. */
  static final StructType LISTS = new StructType()
      .add("user_index", DataTypes.IntegerType, false)
      .add("products", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("scores", DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add("raw", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /**
   * The stage's output: one row per (user, rank). The raw ALS score is kept beside the published one: the run's
   * report shows its distribution, and {@code recsv show} shows it for a user.
   */
  static final StructType SCHEMA = new StructType()
      .add(RunLayout.USER_INDEX, DataTypes.IntegerType, false)
      .add(RunLayout.PRODUCT_INDEX, DataTypes.IntegerType, false)
      .add(RunLayout.RANK, DataTypes.IntegerType, false)
      .add(RunLayout.SCORE, DataTypes.FloatType, false)
      .add(RunLayout.RAW_SCORE, DataTypes.FloatType, false);

  private TopRows() {}

  /** A user's row of {@link #LISTS}; normalizes the scores (sorted best first) on the way. */
  static Row list(int user, int[] items, float[] scores, int n, Normalization normalization) {
    float[] raw = Arrays.copyOf(scores, n);
    normalization.apply(scores, n);
    return RowFactory.create(user, Arrays.copyOf(items, n), Arrays.copyOf(scores, n), raw);
  }

  /** {@link #LISTS} rows as {@link #SCHEMA} rows; rank 1 is the best. */
  static Dataset<Row> explode(Dataset<Row> lists) {
    return lists.select(col("user_index"), posexplode(arrays_zip(col("products"), col("scores"), col("raw"))))
        .select(col("user_index").as(RunLayout.USER_INDEX), col("col.products").as(RunLayout.PRODUCT_INDEX),
            col("pos").plus(1).as(RunLayout.RANK), col("col.scores").as(RunLayout.SCORE),
            col("col.raw").as(RunLayout.RAW_SCORE));
  }
}
