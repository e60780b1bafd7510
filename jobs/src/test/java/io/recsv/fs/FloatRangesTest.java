package io.recsv.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ranges Parquet's footers state, against the values written; and no range where a footer cannot give one. */
class FloatRangesTest {

  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.get();
  private final JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("score", DataTypes.FloatType, false)
      .add("scores", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  @Test
  void theSmallestAndLargestOfEveryFileAndRowGroup() {
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    float[] lo = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
    float[] hi = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
    for (int i = 0; i < 5_000; i++) {
      float one = (float) random.nextGaussian();
      Float[] many = new Float[i % 7 == 0 ? 0 : random.nextInt(5)];  // empty lists too
      for (int j = 0; j < many.length; j++) {
        many[j] = (float) (random.nextGaussian() * 10);
        lo[1] = Math.min(lo[1], many[j]);
        hi[1] = Math.max(hi[1], many[j]);
      }
      lo[0] = Math.min(lo[0], one);
      hi[0] = Math.max(hi[0], one);
      rows.add(RowFactory.create(i, one, many));
    }
    // A path Spark gives as a URI, escaped: it names the same files.
    String out = dir.resolve("w\u00fc #%?/lists").toString();
    // Small row groups: several per file, each with its own statistics.
    spark.createDataFrame(rows, SCHEMA).repartition(3).write().option("parquet.block.size", 4096).parquet(out);
    Dataset<Row> read = spark.read().parquet(out);

    FloatRanges.Range[] ranges = FloatRanges.of(jsc, read.inputFiles(), "score", "scores").orElseThrow();

    assertArrayEquals(new FloatRanges.Range[] {new FloatRanges.Range(lo[0], hi[0]),
        new FloatRanges.Range(lo[1], hi[1])}, ranges);
  }

  @Test
  void noRangeForAColumnThatIsNotFloatsOrHasNoValuesOrForNoFiles() {
    String out = dir.resolve("empty-lists").toString();
    spark.createDataFrame(List.of(RowFactory.create(1, 2f, new Float[0])), SCHEMA).write().parquet(out);
    String[] files = spark.read().parquet(out).inputFiles();

    assertTrue(FloatRanges.of(jsc, files, "id").isEmpty(), "an int column");
    assertTrue(FloatRanges.of(jsc, files, "score", "scores").isEmpty(), "a list column with no values");
    assertTrue(FloatRanges.of(jsc, files, "missing").isEmpty(), "a column the files lack");
    assertTrue(FloatRanges.of(jsc, new String[0], "score").isEmpty(), "no files");
  }
}
