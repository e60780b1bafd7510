package io.recsv.prepare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import io.recsv.config.UserError;
import io.recsv.config.Settings;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Where interactions come from and how their columns are named: CSV (header or positional, any delimiter, e.g.
 * {@code ::} for MovieLens), read by {@link CsvInput}, or Parquet, read here: {@link #readParquet} yields the raw
 * values as strings, plus the file each row came from, for {@link ParquetInput}. Other columns are ignored.
 */
final class InteractionSource {

  /** {@code prepare.format}. */
  enum Format { CSV, PARQUET }

  static final String USER = "user_raw";
  static final String PRODUCT = "product_raw";
  static final String WEIGHT = "weight_raw";
  static final String TIME = "time_raw";
  static final String FILE = "source_file";
  /**
   * Off while prepare reads Parquet: validation casts every raw value and takes a null for "not a number" (ANSI
   * mode would fail the task with Spark's message instead of recsv's, which names the file).
   */
  static final String ANSI = "spark.sql.ansi.enabled";

  final String input;
  final Format format;
  final String delimiter;
  final boolean header;
  final String userColumn;
  final String productColumn;
  final String weightColumn;
  final String timeColumn;

  InteractionSource(Settings s) {
    input = s.requiredString("prepare.input");
    format = s.enumValue("prepare.format", Format.class);
    delimiter = s.string("prepare.csv.delimiter");
    if (delimiter.isEmpty()) {
      throw new UserError("config key 'prepare.csv.delimiter' must not be empty");
    }
    header = s.bool("prepare.csv.header");
    userColumn = s.requiredString("prepare.columns.user");
    productColumn = s.requiredString("prepare.columns.product");
    weightColumn = s.string("prepare.columns.weight").trim();
    timeColumn = s.string("prepare.columns.timestamp").trim();
  }

  boolean hasWeight() {
    return !weightColumn.isEmpty();
  }

  boolean hasTime() {
    return !timeColumn.isEmpty();
  }

  /** The raw rows of a Parquet input. */
  Dataset<Row> readParquet(SparkSession spark) {
    Dataset<Row> raw;
    try {
      raw = spark.read().parquet(input);
    } catch (Exception e) {
      throw new UserError("prepare.input " + input + ": cannot read as parquet: " + rootMessage(e), e);
    }
    String user = column(raw, userColumn);
    String product = column(raw, productColumn);
    Column weight = hasWeight() ? col(quote(column(raw, weightColumn))).cast(DataTypes.StringType) : lit("1");
    Column time = hasTime() ? col(quote(column(raw, timeColumn))).cast(DataTypes.StringType)
        : lit(null).cast(DataTypes.StringType);
    return raw.select(
        col(quote(user)).cast(DataTypes.StringType).as(USER),
        col(quote(product)).cast(DataTypes.StringType).as(PRODUCT),
        weight.as(WEIGHT),
        time.as(TIME),
        input_file_name().as(FILE));
  }

  private String column(Dataset<Row> raw, String name) {
    List<String> columns = Arrays.asList(raw.columns());
    if (!columns.contains(name)) {
      throw new UserError("prepare.input " + input + ": no column '" + name + "' (columns found: "
          + String.join(",", columns) + "); set prepare.columns.* or prepare.csv.* to match the input");
    }
    return name;
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private static String rootMessage(Throwable e) {
    return ExceptionUtils.getRootCause(e).getMessage();
  }
}
