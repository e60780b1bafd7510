package io.recsv.prepare;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.recsv.config.UserError;
import io.recsv.lineage.RunLayout;
import java.util.List;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;

/**
 * prepare's Parquet reader: the raw values parsed into (user_id long, product_id long, weight double) by Spark's
 * expressions, with the rules {@link CsvLineParser} applies to a CSV (an id a 64-bit integer in plain decimal, a
 * weight a finite number within a 32-bit float's range, nothing missing), then handed to the map side of the
 * shuffle. One bad row fails the stage with its file and value, plus how many rows are bad in all.
 * <p>The input is read once: a bad row fails the Spark job that reads it, from inside the task
 * ({@code raise_error}), and only then does {@link #explain} scan the input again to say where and how many.
 */
final class ParquetInput implements InteractionInput {

  private static final String USER_ID = RunLayout.USER_ID;
  private static final String PRODUCT_ID = RunLayout.PRODUCT_ID;
  private static final String WEIGHT = RunLayout.WEIGHT;
  private static final String TIME = RunLayout.TIME;

  /** The message a task fails with on a bad row; the driver recognises it and explains. */
  private static final String INVALID_ROW = "recsv: invalid interaction row";

  private final InteractionSource source;
  private final Dataset<Row> raw;

  ParquetInput(SparkSession spark, InteractionSource source) {
    this.source = source;
    this.raw = source.readParquet(spark);
  }

  @Override
  public JavaPairRDD<Integer, SortedPairs> chunks(int blocks, PrepareJob.Aggregate aggregate) {
    boolean hasTime = source.hasTime();
    // The check rides on the weight, which every consumer reads, so the optimizer cannot prune it.
    Dataset<Row> rows = parsed(raw).select(col(USER_ID), col(PRODUCT_ID),
        when(invalid(), raise_error(lit(INVALID_ROW))).otherwise(col(WEIGHT)).as(WEIGHT), col(TIME));
    return JavaPairRDD.fromJavaRDD(rows.queryExecution().toRdd().toJavaRDD().mapPartitions(it -> {
      UserBuckets buckets = new UserBuckets(blocks, aggregate, hasTime);
      while (it.hasNext()) {
        InternalRow r = it.next();
        buckets.add(r.getLong(0), r.getLong(1), r.getDouble(2), hasTime ? r.getLong(3) : 0);
      }
      return buckets.chunks().iterator();
    }, true));
  }

  /** A bad row (its file, value, how many; Parquet has no line numbers), else null. */
  @Override
  public UserError explain(Throwable failure) {
    if (ExceptionUtils.getThrowableList(failure).stream().map(Throwable::getMessage)
        .noneMatch(m -> m != null && m.contains(INVALID_ROW))) {
      return null;
    }
    Dataset<Row> parsed = parsed(raw);
    List<Row> firstBad = parsed.filter(invalid()).takeAsList(1);
    if (firstBad.isEmpty()) {  // the input changed while the stage ran
      return new UserError("prepare.input: " + source.input + " had an invalid row while it was read, but none"
          + " now; was it being written? Nothing was written");
    }
    long badRows = parsed.filter(invalid()).count();
    return new UserError(describe(firstBad.get(0), badRows));
  }

  private Column invalid() {
    // abs(weight) > Float.MAX_VALUE also catches the infinities: a finite double such as 1e39 is infinite as
    // the float ALS stores.
    Column invalid = col(USER_ID).isNull().or(col(PRODUCT_ID).isNull()).or(col(WEIGHT).isNull())
        .or(isnan(col(WEIGHT))).or(abs(col(WEIGHT)).gt(lit((double) Float.MAX_VALUE)));
    return source.hasTime() ? invalid.or(col(TIME).isNull()) : invalid;
  }

  /** Typed columns beside the raw ones (null where a value does not parse). */
  private static Dataset<Row> parsed(Dataset<Row> raw) {
    Column user = trim(col(InteractionSource.USER));
    Column product = trim(col(InteractionSource.PRODUCT));
    Column weight = trim(col(InteractionSource.WEIGHT));
    Column time = trim(col(InteractionSource.TIME));
    return raw.select(
        plainLong(user).as(USER_ID),
        plainLong(product).as(PRODUCT_ID),
        weight.cast(DataTypes.DoubleType).as(WEIGHT),
        plainLong(time).as(TIME),
        col(InteractionSource.USER), col(InteractionSource.PRODUCT), col(InteractionSource.WEIGHT),
        col(InteractionSource.TIME), col(InteractionSource.FILE));
  }

  /**
   * The value as a long, or null unless it is a decimal integer in Long's range, with an optional '-'. Spark's cast
   * returns null for anything else and beyond Long's range, but it also takes a '+' and truncates a fraction ("12.5"
   * is 12): those two are refused before it.
   */
  private static Column plainLong(Column trimmed) {
    return when(trimmed.contains(".").or(trimmed.startsWith("+")), lit(null).cast(DataTypes.LongType))
        .otherwise(trimmed.cast(DataTypes.LongType));
  }

  private String describe(Row bad, long badRows) {
    String problem;
    if (bad.isNullAt(bad.fieldIndex(USER_ID))) {
      problem = Problem.USER.about(source.userColumn, bad.getAs(InteractionSource.USER));
    } else if (bad.isNullAt(bad.fieldIndex(PRODUCT_ID))) {
      problem = Problem.PRODUCT.about(source.productColumn, bad.getAs(InteractionSource.PRODUCT));
    } else if (source.hasTime() && bad.isNullAt(bad.fieldIndex(TIME))) {
      problem = Problem.TIME.about(source.timeColumn, bad.getAs(InteractionSource.TIME));
    } else {
      boolean finite = !bad.isNullAt(bad.fieldIndex(WEIGHT)) && Double.isFinite(bad.getDouble(bad.fieldIndex(WEIGHT)));
      problem = (finite ? Problem.WEIGHT_RANGE : Problem.WEIGHT_NOT_FINITE).about(source.weightColumn,
          bad.getAs(InteractionSource.WEIGHT));
    }
    return "prepare.input: " + bad.getAs(InteractionSource.FILE) + " (Parquet has no line numbers): " + problem + " ("
        + badRows + " invalid row" + (badRows == 1 ? "" : "s") + " in " + source.input + "; nothing was written)";
  }
}
