package io.recsv.prepare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import io.recsv.config.UserError;
import io.recsv.config.Settings;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Where interactions come from and how their columns are named: CSV (header or positional, any delimiter, e.g.
 * {@code ::} for MovieLens) or Parquet. {@link #read} yields the raw values as strings, plus the file each row came from,
 * so that validation can name the file and line of a bad row. Other columns (e.g. timestamp) are ignored.
 */
final class InteractionSource {

  /** {@code prepare.format}. */
  enum Format { CSV, PARQUET }

  static final String USER = "user_raw";
  static final String PRODUCT = "product_raw";
  static final String WEIGHT = "weight_raw";
  static final String TIME = "time_raw";
  static final String FILE = "source_file";
  /** The raw line of a CSV row whose field count differs from the header's (Spark's corrupt-record column). */
  static final String MALFORMED = "malformed_line";
  /**
   * Spark's CSV reader parses only the columns a query needs unless this is off; it must parse every field to
   * notice a row with more or fewer fields than the header. The cost is that of converting the extra fields.
   */
  static final String COLUMN_PRUNING = "spark.sql.csv.parser.columnPruning.enabled";
  /**
   * Off while prepare reads: validation casts every raw value and takes a null for "not a number" (ANSI mode would
   * fail the task with Spark's message instead of recsv's, which names the file and line).
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
  /** The CSV columns every row must have, as the first file gives them; set by {@link #read}. */
  private List<String> csvColumns = List.of();

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

  /** "the header's 3 (user_id,product_id,weight)", or the first line's count without a header. */
  String expectedFields() {
    return (header ? "the header's " : "the first line's ") + csvColumns.size()
        + (header ? " (" + String.join(",", csvColumns) + ")" : "");
  }

  boolean hasWeight() {
    return !weightColumn.isEmpty();
  }

  boolean hasTime() {
    return !timeColumn.isEmpty();
  }

  /**
   * The raw rows. A CSV is read with the first file's columns as the schema, and every other file's header must
   * name the same columns in the same order ({@code enforceSchema = false}): a file that lists them in another
   * order is refused, named, instead of having its user and product ids swapped. Call with
   * {@link #COLUMN_PRUNING} off, so that a row with a different number of fields is caught.
   */
  Dataset<Row> read(SparkSession spark) {
    Dataset<Row> raw;
    try {
      if (format == Format.PARQUET) {
        raw = spark.read().parquet(input).withColumn(MALFORMED, lit(null).cast(DataTypes.StringType));
      } else {
        DataFrameReader csv = spark.read().option("header", header).option("sep", delimiter)
            .option("inferSchema", false);
        StructType columns = csv.csv(input).schema();  // the first file's header (or its field count)
        csvColumns = List.of(columns.fieldNames());
        raw = csv.schema(columns.add(MALFORMED, DataTypes.StringType)).option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", MALFORMED).option("enforceSchema", false).csv(input);
      }
    } catch (Exception e) {
      throw new UserError("prepare.input " + input + ": cannot read as " + format.name().toLowerCase(Locale.ROOT)
          + ": " + rootMessage(e), e);
    }
    String user = column(raw, userColumn, 0);
    String product = column(raw, productColumn, 1);
    Column weight = hasWeight() ? col(quote(column(raw, weightColumn, 2))).cast(DataTypes.StringType) : lit("1");
    // Positionally the time comes after the weight (MovieLens: user::item::rating::timestamp).
    Column time = hasTime() ? col(quote(column(raw, timeColumn, hasWeight() ? 3 : 2))).cast(DataTypes.StringType)
        : lit(null).cast(DataTypes.StringType);
    return raw.select(
        col(quote(user)).cast(DataTypes.StringType).as(USER),
        col(quote(product)).cast(DataTypes.StringType).as(PRODUCT),
        weight.as(WEIGHT),
        time.as(TIME),
        input_file_name().as(FILE),
        col(MALFORMED));
  }

  /** The column holding {@code name}; positional ({@code _cN}) when a CSV has no header. */
  private String column(Dataset<Row> raw, String name, int position) {
    List<String> columns = Arrays.stream(raw.columns()).filter(c -> !c.equals(MALFORMED)).toList();
    if (format == Format.CSV && !header) {
      String positional = "_c" + position;
      if (!columns.contains(positional)) {
        throw new UserError("prepare.input " + input + ": expected at least " + (position + 1)
            + " columns (user, product[, weight]) per line, found " + columns.size());
      }
      return positional;
    }
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
