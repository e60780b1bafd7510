package io.recsv.prepare;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.recsv.lineage.RunLayout;
import io.recsv.config.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Parses the raw strings into (user_id long, product_id long, weight double) and refuses the input if any row
 * is invalid: an id that is not a 64-bit integer in plain decimal, a missing value, a weight that is not a
 * finite number or does not fit the 32-bit float ALS stores it as, a CSV row with more or fewer fields than
 * the header. Nothing is dropped silently: one bad row fails the stage with the file, the line number and
 * the value, plus how many rows are bad in all.
 * <p>The input is read once: a bad row fails the Spark job that reads it, from inside the task
 * ({@code raise_error}), and only then does {@link #explain} scan the input again to say where and how many.
 * A separate validation pass before the real one would read 100s of GiB twice every week to find nothing.
 */
final class InteractionValidator {

  static final String USER_ID = RunLayout.USER_ID;
  static final String PRODUCT_ID = RunLayout.PRODUCT_ID;
  static final String WEIGHT = RunLayout.WEIGHT;
  static final String TIME = RunLayout.TIME;

  /** The message a task fails with on a bad row; the driver recognises it and explains. */
  private static final String INVALID_ROW = "recsv: invalid interaction row";
  /** The start of the message a task fails with when a pair's combined weight overflows a float. */
  private static final String OVERFLOW = "recsv: combined weight: ";
  /** What Spark's CSV reader says when a file's header differs from the first file's (enforceSchema = false). */
  private static final String HEADER_MISMATCH = "CSV header does not conform to the schema";

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
        when(invalid(), raise_error(lit(INVALID_ROW))).otherwise(col(WEIGHT)).as(WEIGHT), col(TIME));
  }

  /**
   * What a task fails with when a pair's combined weight overflows the 32-bit float ALS stores; {@link #explain}
   * turns it into the user's error, with the pair's ids.
   */
  static IllegalArgumentException overflow(long user, long product, double combined) {
    return new IllegalArgumentException(OVERFLOW + "user_id " + user + ", product_id " + product
        + ": the weights of this pair add up to " + combined + ", beyond the range of the 32-bit float ALS stores"
        + " weights as (about 3.4e38)");
  }

  /** True if {@code failure} is {@link #parse}'s verdict on a bad row (it arrives wrapped by Spark). */
  static boolean isInvalidRow(Throwable failure) {
    return find(failure, INVALID_ROW) != null;
  }

  /**
   * The error for a user when writing the parsed input failed because of the input, or null if the failure
   * is something else: a bad row (file, line, value, how many), a file whose header differs from the first
   * file's, or a pair whose combined weight overflows.
   */
  UserError explain(Throwable failure, Dataset<Row> raw) {
    // The overflow's message is checked first: Spark's error context may quote the invalid-row check too.
    String overflow = find(failure, OVERFLOW);
    if (overflow != null) {
      String text = overflow.substring(overflow.indexOf(OVERFLOW) + OVERFLOW.length());
      int end = text.indexOf('\n');
      return new UserError("prepare.input " + source.input + ": " + (end > 0 ? text.substring(0, end) : text)
          + ". Nothing was written");
    }
    String header = find(failure, HEADER_MISMATCH);
    if (header != null) {
      return new UserError("prepare.input: " + field(header, "CSV file:") + ": its header (" + field(header, "Header:")
          + ") differs from the first file's (" + field(header, "Schema:") + "); every file of " + source.input
          + " must name the same columns in the same order. Nothing was written");
    }
    return isInvalidRow(failure) ? explain(raw) : null;
  }

  /** The first message in the cause chain that contains {@code marker}. */
  private static String find(Throwable failure, String marker) {
    return ExceptionUtils.getThrowableList(failure).stream().map(Throwable::getMessage)
        .filter(m -> m != null && m.contains(marker)).findFirst().orElse(null);
  }

  private static String field(String message, String label) {
    int at = message.indexOf(label);
    if (at < 0) {
      return "?";
    }
    int end = message.indexOf('\n', at);
    return message.substring(at + label.length(), end < 0 ? message.length() : end).trim();
  }

  /** The error naming the first bad row's file, line and value and how many rows are bad. */
  private UserError explain(Dataset<Row> raw) {
    Dataset<Row> parsed = parsed(raw);
    List<Row> firstBad = parsed.filter(invalid()).takeAsList(1);
    if (firstBad.isEmpty()) {  // the input changed while the stage ran
      return new UserError("prepare.input: " + source.input + " had an invalid row while it was read, but none"
          + " now; was it being written? Nothing was written");
    }
    long badRows = parsed.filter(invalid()).count();
    return new UserError(describe(firstBad.get(0), badRows, raw.sparkSession().sparkContext().hadoopConfiguration()));
  }

  private Column invalid() {
    // abs(weight) > Float.MAX_VALUE also catches the infinities: a finite double such as 1e39 is infinite as
    // the float ALS stores.
    Column invalid = col(USER_ID).isNull().or(col(PRODUCT_ID).isNull()).or(col(WEIGHT).isNull())
        .or(isnan(col(WEIGHT))).or(abs(col(WEIGHT)).gt(lit((double) Float.MAX_VALUE)))
        .or(col(InteractionSource.MALFORMED).isNotNull());
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
        col(InteractionSource.TIME), col(InteractionSource.FILE), col(InteractionSource.MALFORMED));
  }

  /**
   * The value as a long, or null unless it is a decimal integer in Long's range, with an optional '-'. Spark's cast
   * returns null for anything else and beyond Long's range, but it also takes a '+' and truncates a fraction ("12.5"
   * is 12): those two are refused before it. A regular expression per field did the same at a large share of the
   * cost of reading the CSV.
   */
  private static Column plainLong(Column trimmed) {
    return when(trimmed.contains(".").or(trimmed.startsWith("+")), lit(null).cast(DataTypes.LongType))
        .otherwise(trimmed.cast(DataTypes.LongType));
  }

  private String describe(Row bad, long badRows, Configuration conf) {
    String user = bad.getAs(InteractionSource.USER);
    String product = bad.getAs(InteractionSource.PRODUCT);
    String weight = bad.getAs(InteractionSource.WEIGHT);
    String malformed = bad.getAs(InteractionSource.MALFORMED);
    String file = bad.getAs(InteractionSource.FILE);
    String problem;
    Predicate<String[]> isTheRow;
    if (malformed != null) {
      problem = "the row has " + fields(malformed).length + " fields, not " + source.expectedFields() + ": '"
          + malformed + "'";
      isTheRow = fields -> Arrays.equals(fields, fields(malformed));
    } else {
      if (bad.isNullAt(bad.fieldIndex(USER_ID))) {
        problem = source.userColumn + " " + show(user) + " is not a 64-bit integer";
      } else if (bad.isNullAt(bad.fieldIndex(PRODUCT_ID))) {
        problem = source.productColumn + " " + show(product) + " is not a 64-bit integer";
      } else if (source.hasTime() && bad.isNullAt(bad.fieldIndex(TIME))) {
        problem = source.timeColumn + " " + show(bad.getAs(InteractionSource.TIME)) + " is not a whole number"
            + " (seconds or milliseconds since 1970)";
      } else if (bad.isNullAt(bad.fieldIndex(WEIGHT)) || Double.isNaN(bad.getDouble(bad.fieldIndex(WEIGHT)))
          || Double.isInfinite(bad.getDouble(bad.fieldIndex(WEIGHT)))) {
        problem = source.weightColumn + " " + show(weight) + " is not a finite number";
      } else {
        problem = source.weightColumn + " " + show(weight) + " is beyond the range of the 32-bit float ALS stores"
            + " weights as (about 3.4e38)";
      }
      isTheRow = null;
    }
    String where = file;
    if (source.format == InteractionSource.Format.CSV) {
      long line = lineOf(conf, file, isTheRow, user, product, weight);
      where = file + (line > 0 ? " line " + line : " (line not found: the file changed since it was read)");
    } else {
      where = file + " (Parquet has no line numbers)";
    }
    return "prepare.input: " + where + ": " + problem + " (" + badRows + " invalid row"
        + (badRows == 1 ? "" : "s") + " in " + source.input + "; nothing was written)";
  }

  private static String show(String value) {
    return value == null ? "(missing)" : "'" + value + "'";
  }

  /** Splits a line as Spark's CSV reader does (quotes, any delimiter, white space kept). */
  private String[] fields(String line) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(source.delimiter);
    settings.getFormat().setLineSeparator("\n");
    settings.setIgnoreLeadingWhitespaces(false);
    settings.setIgnoreTrailingWhitespaces(false);
    settings.setMaxCharsPerColumn(-1);
    settings.setMaxColumns(Math.max(512, line.length() + 1));
    String[] fields = new CsvParser(settings).parseLine(line);
    return fields == null ? new String[0] : fields;
  }

  /** Decompressed as Spark reads it (gzip, bzip2, ... by the file's extension). */
  private static BufferedReader open(Configuration conf, String file) throws IOException {
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    InputStream in = fs.open(path);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    if (codec != null) {
      in = codec.createInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static String withoutBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  /**
   * The 1-based line of the first row that {@code isTheRow} accepts, or else that has these raw values. Runs only
   * on the error path: Spark's readers do not keep line numbers, so the one file at fault is scanned once.
   */
  private long lineOf(Configuration conf, String file, Predicate<String[]> isTheRow, String user, String product,
      String weight) {
    try (BufferedReader in = open(conf, file)) {
      int u = source.header ? -1 : 0;
      int p = source.header ? -1 : 1;
      int w = source.header || !source.hasWeight() ? -1 : 2;
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        String[] fields = fields(number == 1 ? withoutBom(line) : line);
        if (number == 1 && source.header) {
          List<String> names = Arrays.asList(fields);
          u = names.indexOf(source.userColumn);
          p = names.indexOf(source.productColumn);
          w = source.hasWeight() ? names.indexOf(source.weightColumn) : -1;
          continue;
        }
        boolean match = isTheRow != null ? isTheRow.test(fields)
            : matches(fields, u, user) && matches(fields, p, product) && (w < 0 || matches(fields, w, weight));
        if (match) {
          return number;
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
