package io.recsv.fs;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.FloatStatistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The smallest and largest value of float columns (or of the floats in array columns) of Parquet files, read
 * from the column statistics in their footers: a few small reads per file, in one Spark job over the files,
 * where a scan reads every value. Statistics are what the writer says of its values: a reader that needs exact
 * ranges checks them against the values it reads.
 */
public final class FloatRanges {

  /** A column's smallest and largest value over every file. */
  public record Range(float min, float max) implements Serializable {
    Range merge(Range other) {
      return new Range(Math.min(min, other.min), Math.max(max, other.max));
    }
  }

  private FloatRanges() {}

  /**
   * The ranges of {@code columns} (top-level names; an array column's leaf is its elements) over {@code files}
   * (URIs, as Spark's {@code Dataset.inputFiles} gives them), in the order given; empty when a file has no
   * statistics for one of them or {@code files} is empty. A column with no values in any file is empty too. A row
   * group with a NaN counts as one without values (Parquet's reader drops such a chunk's minimum and maximum): the
   * range stated is then not the column's, one reason a reader that needs exact ranges checks them.
   */
  public static Optional<Range[]> of(JavaSparkContext jsc, String[] files, String... columns) {
    if (files.length == 0) {
      return Optional.empty();
    }
    SerializableConfiguration conf = new SerializableConfiguration(jsc.hadoopConfiguration());
    List<Range[]> perFile = jsc.parallelize(Arrays.asList(files), Math.min(files.length,
        jsc.defaultParallelism())).map(file -> inFile(conf, file, columns)).collect();
    Range[] merged = new Range[columns.length];
    for (Range[] ranges : perFile) {
      if (ranges == null) {
        return Optional.empty();
      }
      for (int c = 0; c < columns.length; c++) {
        Range r = ranges[c];
        merged[c] = merged[c] == null ? r : r == null ? merged[c] : merged[c].merge(r);
      }
    }
    return Arrays.stream(merged).anyMatch(r -> r == null) ? Optional.empty() : Optional.of(merged);
  }

  /** One file's ranges (null for a column without values in it); null when a column lacks statistics. */
  private static Range[] inFile(SerializableConfiguration conf, String file, String[] columns) {
    Range[] ranges = new Range[columns.length];
    Path path = new Path(URI.create(file));
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf.value()))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        boolean[] found = new boolean[columns.length];
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          int c = Arrays.asList(columns).indexOf(chunk.getPath().toArray()[0]);
          if (c < 0) {
            continue;
          }
          if (!(chunk.getStatistics() instanceof FloatStatistics floats) || floats.isEmpty()) {
            return null;  // not a float column, or written without statistics
          }
          found[c] = true;
          if (floats.hasNonNullValue()) {  // a row group of empty lists has nulls only
            Range r = new Range(floats.getMin(), floats.getMax());
            ranges[c] = ranges[c] == null ? r : ranges[c].merge(r);
          }
        }
        for (boolean f : found) {
          if (!f) {
            return null;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    return ranges;
  }
}
