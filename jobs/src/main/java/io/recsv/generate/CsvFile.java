package io.recsv.generate;

import io.recsv.config.UserError;
import io.recsv.fs.HadoopConf;
import io.recsv.fs.Renames;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A generated CSV, written whole under its name or not at all. */
final class CsvFile {

  /** The lines after the header; returns how many interactions it wrote. */
  interface Body {
    long write(OutputStream out) throws IOException;
  }

  private CsvFile() {}

  /** Writes {@code header} and the body to {@code output}, which must not exist; returns the body's count. */
  static long write(Configuration conf, String output, String header, Body body) throws IOException {
    Path path = new Path(output);
    FileSystem fs = HadoopConf.forWriting(path, conf);
    if (fs.exists(path)) {
      throw new UserError("generate: " + output + " already exists");
    }
    // Written beside under a name of its own, then renamed: a generate that is killed leaves no torn file under
    // the final name (which the next run would refuse as existing, or read); the next one replaces the leftover.
    Path partial = new Path(path.getParent(), "." + path.getName() + ".generating");
    long rows;
    try (OutputStream out = new BufferedOutputStream(fs.create(partial, true), 1 << 20)) {
      out.write((header + "\n").getBytes(StandardCharsets.US_ASCII));
      rows = body.write(out);
    }
    Renames.move(fs, partial, path);
    return rows;
  }
}
