package io.recsv.prepare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import io.recsv.common.UserError;
import io.recsv.config.Settings;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Where interactions come from and how their columns are named: CSV (header or positional, any delimiter, e.g.
 * {@code ::} for MovieLens) or Parquet. {@link #read} yields the raw values as strings, plus the file each row came from,
 * so that validation can name the file and line of a bad row. Other columns (e.g. timestamp) are ignored.
 */
final class InteractionSource {

  static final String USER = "user_raw";
  static final String PRODUCT = "product_raw";
  static final String WEIGHT = "weight_raw";
  static final String FILE = "source_file";

  final String input;
  final String format;
  final String delimiter;
  final boolean header;
  final String userColumn;
  final String productColumn;
  final String weightColumn;

  InteractionSource(Settings s) {
    input = s.requiredString("prepare.input");
    format = s.oneOf("prepare.format", "csv", "parquet");
    delimiter = s.string("prepare.csv.delimiter");
    if (delimiter.isEmpty()) {
      throw new UserError("config key 'prepare.csv.delimiter' must not be empty");
    }
    header = s.bool("prepare.csv.header");
    userColumn = s.requiredString("prepare.columns.user");
    productColumn = s.requiredString("prepare.columns.product");
    weightColumn = s.string("prepare.columns.weight").trim();
  }

  boolean hasWeight() {
    return !weightColumn.isEmpty();
  }

  Dataset<Row> read(SparkSession spark) {
    Dataset<Row> raw;
    try {
      raw = "parquet".equals(format)
          ? spark.read().parquet(input)
          : spark.read().option("header", header).option("sep", delimiter).option("mode", "PERMISSIVE")
              .option("inferSchema", false).csv(input);
    } catch (Exception e) {
      throw new UserError("prepare.input " + input + ": cannot read as " + format + ": " + rootMessage(e), e);
    }
    String user = column(raw, userColumn, 0);
    String product = column(raw, productColumn, 1);
    Column weight = hasWeight() ? col(quote(column(raw, weightColumn, 2))).cast(DataTypes.StringType) : lit("1");
    return raw.select(
        col(quote(user)).cast(DataTypes.StringType).as(USER),
        col(quote(product)).cast(DataTypes.StringType).as(PRODUCT),
        weight.as(WEIGHT),
        input_file_name().as(FILE));
  }

  /** The column holding {@code name}; positional ({@code _cN}) when a CSV has no header. */
  private String column(Dataset<Row> raw, String name, int position) {
    List<String> columns = Arrays.asList(raw.columns());
    if ("csv".equals(format) && !header) {
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
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
