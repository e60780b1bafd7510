package io.recsv.lineage;

import static org.apache.spark.sql.functions.arrays_zip;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Score's output, {@code score/top}: one row per user with recommendations, its top products and their
 * normalized and raw scores as three arrays of one length, best first (rank 1 at position 0; ties go to the lower
 * product index). The shape of the CSV: export formats each row as the user's lines, without a shuffle or a join
 * of one row per recommendation, and 4 billion recommendations are 40 million rows, not 4 billion.
 * <p>{@link #rows} gives the same as one row per (user, rank), for the readers that count or join recommendations
 * one by one: the run's report, {@code recsv show}, the evaluation's metrics.
 */
public final class TopLists {

  public static final String PRODUCTS = "products";
  public static final String SCORES = "scores";
  /** The raw ALS score beside the published one: the report shows its distribution, {@code show} shows it. */
  public static final String RAW_SCORES = "raw_scores";

  public static final StructType SCHEMA = new StructType()
      .add(RunLayout.USER_INDEX, DataTypes.IntegerType, false)
      .add(PRODUCTS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add(SCORES, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(RAW_SCORES, DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /** The columns of {@link #rows}. */
  public static final StructType ROWS = new StructType()
      .add(RunLayout.USER_INDEX, DataTypes.IntegerType, false)
      .add(RunLayout.PRODUCT_INDEX, DataTypes.IntegerType, false)
      .add(RunLayout.RANK, DataTypes.IntegerType, false)
      .add(RunLayout.SCORE, DataTypes.FloatType, false)
      .add(RunLayout.RAW_SCORE, DataTypes.FloatType, false);

  private TopLists() {}

  /**
   * Writes {@code lists} ({@link #SCHEMA}) at {@code path} as Parquet, the two scores without Parquet's dictionary
   * encoding: their values are floats, nearly all different, whose dictionary fills on a column's first values and
   * is dropped, work for nothing in every task (docs/results.md). The products, a catalogue's indices, keep theirs.
   */
  public static void write(Dataset<Row> lists, String path) {
    lists.write().option(dictionaryKey(SCORES), false).option(dictionaryKey(RAW_SCORES), false).parquet(path);
  }

  /** Parquet's setting of one column's dictionary: an array's elements, as Spark writes a list. */
  private static String dictionaryKey(String arrayColumn) {
    return "parquet.enable.dictionary#" + arrayColumn + ".list.element";
  }

  /**
   * The lists as one row per (user, rank): user_index, product_index, rank, score, raw_score; rank 1 is the
   * best. Spark's generated code explodes them, far faster than building the rows one object at a time.
   */
  public static Dataset<Row> rows(Dataset<Row> lists) {
    return lists.select(col(RunLayout.USER_INDEX), posexplode(arrays_zip(col(PRODUCTS), col(SCORES),
            col(RAW_SCORES))))
        .select(col(RunLayout.USER_INDEX), col("col." + PRODUCTS).as(RunLayout.PRODUCT_INDEX),
            col("pos").plus(1).as(RunLayout.RANK), col("col." + SCORES).as(RunLayout.SCORE),
            col("col." + RAW_SCORES).as(RunLayout.RAW_SCORE));
  }
}
