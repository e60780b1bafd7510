package io.recsv.prepare;

import com.univocity.parsers.csv.CsvParserSettings;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.catalyst.csv.CSVOptions;
import scala.Tuple2;

/**
 * What every line of a CSV input must look like, as the driver learnt it from the first file: the delimiter, the
 * columns (the header's names, or {@code _c0, _c1, ...} without a header), and where the user, product, weight
 * and time are. The tasks parse with it; the messages name its columns. {@code delimiter} is as configured.
 * <p>The delimiter and the treatment of quoted fields are Spark's own ({@link CSVOptions}): a line with a quote is
 * split by Spark's CSV tokenizer with Spark's settings, so what was read before is read the same now.
 */
record CsvLayout(String input, String delimiter, boolean header, List<String> columns, int user, int product,
    int weight, int time, String userName, String productName, String weightName, String timeName)
    implements Serializable {

  /** Spark's CSV options for this delimiter, everything else Spark's defaults (quote {@code "}, escape {@code \}). */
  static CSVOptions sparkOptions(String delimiter) {
    scala.collection.immutable.Map<String, String> options = new scala.collection.immutable.HashMap<String, String>()
        .$plus(new Tuple2<>("sep", delimiter));
    return new CSVOptions(options, false, "UTC");
  }

  /** The delimiter's bytes as Spark reads the configured one ({@code \t} for a tab, and so on). */
  byte[] delimiterBytes() {
    return sparkOptions(delimiter).delimiter().getBytes(StandardCharsets.UTF_8);
  }

  /** The tokenizer's settings for lines with quotes: Spark's. */
  CsvParserSettings quotedLineSettings() {
    return sparkOptions(delimiter).asParserSettings();
  }

  boolean hasWeight() {
    return weight >= 0;
  }

  boolean hasTime() {
    return time >= 0;
  }

  /** "the header's 3 (user_id,product_id,weight)", or the first line's count without a header. */
  String expectedFields() {
    return (header ? "the header's " : "the first line's ") + columns.size()
        + (header ? " (" + String.join(",", columns) + ")" : "");
  }
}
