package io.recsv.fs;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * How many rows a Parquet directory as Spark writes it holds, from its files' footers: a few small reads on the
 * driver, where a Spark count costs a job to read the schema and two more to count.
 */
public final class ParquetRows {

  private ParquetRows() {}

  /** The rows of the {@code .parquet} files directly in {@code dir} (names starting with _ or . skipped). */
  public static long count(Configuration conf, Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    long rows = 0;
    for (FileStatus f : fs.listStatus(dir, p -> !p.getName().startsWith("_") && !p.getName().startsWith(".")
        && p.getName().endsWith(".parquet"))) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
        rows += reader.getRecordCount();
      }
    }
    return rows;
  }
}
