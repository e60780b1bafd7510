package io.recsv.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.recsv.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetRowsTest {

  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.get();

  @Test
  void theRowsOfEveryPartFileAndNothingElse() throws Exception {
    Path out = dir.resolve("factors");
    spark.range(0, 1234, 1, 3).write().parquet(out.toString());
    Files.writeString(out.resolve("_hidden.parquet"), "not a footer");
    Files.writeString(out.resolve("notes.txt"), "not Parquet");
    assertEquals(1234, ParquetRows.count(spark.sparkContext().hadoopConfiguration(),
        new org.apache.hadoop.fs.Path(out.toString())));
    Path empty = dir.resolve("empty");
    spark.range(0, 0, 1, 1).write().parquet(empty.toString());
    assertEquals(0, ParquetRows.count(spark.sparkContext().hadoopConfiguration(),
        new org.apache.hadoop.fs.Path(empty.toString())));
  }

  @Test
  void theColumnsOfTheFirstPartFile() throws Exception {
    Path out = dir.resolve("pairs");
    spark.range(0, 10, 1, 2).selectExpr("id AS user_index", "id * 2 AS time").write().parquet(out.toString());
    assertEquals(java.util.List.of("user_index", "time"), ParquetRows.columns(
        spark.sparkContext().hadoopConfiguration(), new org.apache.hadoop.fs.Path(out.toString())));
    Path none = dir.resolve("none");
    Files.createDirectories(none);
    Files.writeString(none.resolve("_SUCCESS"), "");
    assertEquals(java.util.List.of(), ParquetRows.columns(spark.sparkContext().hadoopConfiguration(),
        new org.apache.hadoop.fs.Path(none.toString())));
  }
}
