package io.recsv.prepare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.recsv.common.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Parses the raw strings into (user_id long, product_id long, weight double) and refuses the input if any row
 * is invalid: an id that is not a 64-bit integer in plain decimal, a missing value, a weight that is not a
 * finite number. Nothing is dropped silently: one bad row fails the stage with the file, the line number and
 * the value, plus how many rows are bad in all.
 * <p>The input is read once: a bad row fails the Spark job that reads it, from inside the task
 * ({@code raise_error}), and only then does {@link #explain} scan the input again to say where and how many.
 * A separate validation pass before the real one would read 100s of GiB twice every week to find nothing.
 */
final class InteractionValidator {

  static final String USER_ID = "user_id";
  static final String PRODUCT_ID = "product_id";
  static final String WEIGHT = "weight";

  /** Plain decimal, at most 19 digits; the cast then catches values beyond Long's range. */
  private static final String LONG_PATTERN = "^-?[0-9]{1,19}$";
  /** The message a task fails with on a bad row; the driver recognises it and explains. */
  private static final String INVALID_ROW = "recsv: invalid interaction row";

  private final InteractionSource source;

  InteractionValidator(InteractionSource source) {
    this.source = source;
  }

  /**
   * The rows as (user_id, product_id, weight). Any action on them fails if a row is invalid; pass that
   * failure to {@link #explain}.
   */
  Dataset<Row> parse(Dataset<Row> raw) {
    // The check rides on the weight, which every consumer reads, so the optimizer cannot prune it.
    return parsed(raw).select(col(USER_ID), col(PRODUCT_ID),
        when(invalid(), raise_error(lit(INVALID_ROW))).otherwise(col(WEIGHT)).as(WEIGHT));
  }

  /** True if {@code failure} is {@link #parse}'s verdict on a bad row (it arrives wrapped by Spark). */
  static boolean isInvalidRow(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(INVALID_ROW)) {
        return true;
      }
    }
    return false;
  }

  /** The error for a user, naming the first bad row's file, line and value and how many rows are bad. */
  UserError explain(Dataset<Row> raw) {
    Dataset<Row> parsed = parsed(raw);
    List<Row> firstBad = parsed.filter(invalid()).takeAsList(1);
    if (firstBad.isEmpty()) {  // the input changed while the stage ran
      return new UserError("prepare.input: " + source.input + " had an invalid row while it was read, but none"
          + " now; was it being written? Nothing was written");
    }
    long badRows = parsed.filter(invalid()).count();
    return new UserError(describe(firstBad.get(0), badRows, raw.sparkSession().sparkContext().hadoopConfiguration()));
  }

  private static Column invalid() {
    return col(USER_ID).isNull().or(col(PRODUCT_ID).isNull()).or(col(WEIGHT).isNull())
        .or(isnan(col(WEIGHT))).or(col(WEIGHT).equalTo(Double.POSITIVE_INFINITY))
        .or(col(WEIGHT).equalTo(Double.NEGATIVE_INFINITY));
  }

  /** Typed columns beside the raw ones (null where a value does not parse). */
  private static Dataset<Row> parsed(Dataset<Row> raw) {
    Column user = trim(col(InteractionSource.USER));
    Column product = trim(col(InteractionSource.PRODUCT));
    Column weight = trim(col(InteractionSource.WEIGHT));
    return raw.select(
        when(user.rlike(LONG_PATTERN), user.cast(DataTypes.LongType)).as(USER_ID),
        when(product.rlike(LONG_PATTERN), product.cast(DataTypes.LongType)).as(PRODUCT_ID),
        weight.cast(DataTypes.DoubleType).as(WEIGHT),
        col(InteractionSource.USER), col(InteractionSource.PRODUCT), col(InteractionSource.WEIGHT),
        col(InteractionSource.FILE));
  }

  private String describe(Row bad, long badRows, Configuration conf) {
    String user = bad.getAs(InteractionSource.USER);
    String product = bad.getAs(InteractionSource.PRODUCT);
    String weight = bad.getAs(InteractionSource.WEIGHT);
    String file = bad.getAs(InteractionSource.FILE);
    String problem;
    if (bad.isNullAt(bad.fieldIndex(USER_ID))) {
      problem = source.userColumn + " " + show(user) + " is not a 64-bit integer";
    } else if (bad.isNullAt(bad.fieldIndex(PRODUCT_ID))) {
      problem = source.productColumn + " " + show(product) + " is not a 64-bit integer";
    } else {
      problem = source.weightColumn + " " + show(weight) + " is not a finite number";
    }
    String where = file;
    if ("csv".equals(source.format)) {
      long line = lineOf(conf, file, user, product, weight);
      where = file + (line > 0 ? " line " + line : "");
    }
    return "prepare.input: " + where + ": " + problem + " (" + badRows + " invalid row"
        + (badRows == 1 ? "" : "s") + " in " + source.input + "; nothing was written)";
  }

  private static String show(String value) {
    return value == null ? "(missing)" : "'" + value + "'";
  }

  /**
   * The 1-based line of the first row with these raw values. Runs only on the error path: Spark's readers do
   * not keep line numbers, so the one file at fault is scanned once.
   */
  private long lineOf(Configuration conf, String file, String user, String product, String weight) {
    try {
      Path path = new Path(file);
      FileSystem fs = path.getFileSystem(conf);
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        String delimiter = Pattern.quote(source.delimiter);
        int u = -1;
        int p = -1;
        int w = -1;
        String line;
        long number = 0;
        while ((line = in.readLine()) != null) {
          number++;
          String[] fields = line.split(delimiter, -1);
          if (number == 1 && source.header) {
            List<String> names = Arrays.asList(fields);
            u = names.indexOf(source.userColumn);
            p = names.indexOf(source.productColumn);
            w = source.hasWeight() ? names.indexOf(source.weightColumn) : -1;
            continue;
          }
          if (!source.header) {
            u = 0;
            p = 1;
            w = source.hasWeight() ? 2 : -1;
          }
          if (matches(fields, u, user) && matches(fields, p, product) && (w < 0 || matches(fields, w, weight))) {
            return number;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static boolean matches(String[] fields, int index, String value) {
    String field = index >= 0 && index < fields.length ? fields[index] : null;
    if (field != null && field.isEmpty()) {
      field = null;
    }
    return Objects.equals(field, value);
  }
}
