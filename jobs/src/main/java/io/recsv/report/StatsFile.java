package io.recsv.report;

import io.recsv.workflow.StageName;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsv.fs.HadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A stage's statistics ({@code _stats.json}), written into its output directory before the directory is
 * published, so they are always those of the output beside them; {@code outputId} is that output's lineage id,
 * by which the report tells whether the statistics belong to the CSV it describes.
 */
public record StatsFile<T>(String format, String stage, String outputId, T stats) {

  public static final String FORMAT = "recsv-stats/1";
  public static final String FILE = "_stats.json";

  static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      // Enums as they spell themselves (the gate's verdict: "pass"), as the report page and consumers read them.
      .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
      .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .build();

  /** Writes {@code stats} of the output {@code outputId} into {@code dir} (the stage's directory being written). */
  public static void write(Configuration conf, Path dir, StageName stage, String outputId, Object stats)
      throws IOException {
    FileSystem fs = HadoopConf.forWriting(dir, conf);
    try (OutputStream out = fs.create(new Path(dir, FILE), true)) {
      JSON.writeValue(out, new StatsFile<>(FORMAT, stage.id(), outputId, stats));
    }
  }

  /** The statistics in {@code dir}, or null when it has none (an output made before recsv recorded them). */
  public static <S> StatsFile<S> read(Configuration conf, Path dir, Class<S> type) throws IOException {
    Path file = new Path(dir, FILE);
    try (InputStream in = file.getFileSystem(conf).open(file)) {
      return JSON.readValue(in, JSON.getTypeFactory().constructParametricType(StatsFile.class, type));
    } catch (FileNotFoundException e) {
      return null;
    }
  }
}
