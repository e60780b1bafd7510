package io.recsv.fs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;

/**
 * What a Parquet directory as Spark writes it holds, from its files' footers: a few small reads on the driver, where
 * Spark's count costs a job to read the schema and two more to count, and its schema inference a job of its own.
 */
public final class ParquetRows {

  private ParquetRows() {}

  /** The rows of the {@code .parquet} files directly in {@code dir} (names starting with _ or . skipped). */
  public static long count(Configuration conf, Path dir) throws IOException {
    long rows = 0;
    for (FileStatus f : parts(conf, dir)) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
        rows += reader.getRecordCount();
      }
    }
    return rows;
  }

  /**
   * The top-level columns of the first {@code .parquet} file directly in {@code dir} (by name), as Spark's schema
   * inference reads them when its files share one schema; empty when there is no such file.
   */
  public static List<String> columns(Configuration conf, Path dir) throws IOException {
    List<FileStatus> parts = new ArrayList<>(List.of(parts(conf, dir)));
    if (parts.isEmpty()) {
      return List.of();
    }
    parts.sort(Comparator.comparing(FileStatus::getPath));
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(parts.get(0), conf))) {
      return reader.getFooter().getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList();
    }
  }

  private static FileStatus[] parts(Configuration conf, Path dir) throws IOException {
    return dir.getFileSystem(conf).listStatus(dir, p -> !p.getName().startsWith("_")
        && !p.getName().startsWith(".") && p.getName().endsWith(".parquet"));
  }
}
