package io.recsv.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsv.common.Renames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The plan of a merge, written to the staging directory before anything is moved: which export, which parts
 * in which order, and what the result must be. A rerun after a crash resumes this plan, even though concat
 * may have consumed the parts and the export's directory may be empty by then.
 */
record Journal(
    String runId,
    String exportId,
    String strategy,
    String exportParts,
    String finalPath,
    String header,
    long rows,
    long users,
    int exportPartCount,
    long expectedBytes,
    String expectedCrc32c,
    List<PlannedPart> parts,
    int scoreDecimals) {

  static final String FILE = "journal.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Written to a temporary name and renamed, so a journal is either complete or absent. */
  void write(FileSystem fs, Path staging) throws IOException {
    Path temp = new Path(staging, FILE + ".tmp");
    try (OutputStream out = fs.create(temp, true)) {
      JSON.writeValue(out, this);
    }
    Renames.move(fs, temp, new Path(staging, FILE));
  }

  static Journal read(FileSystem fs, Path staging) throws IOException {
    try (InputStream in = fs.open(new Path(staging, FILE))) {
      return JSON.readValue(in, Journal.class);
    }
  }
}
