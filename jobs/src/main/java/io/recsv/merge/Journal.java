package io.recsv.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsv.lineage.ExportManifest;
import io.recsv.fs.Renames;
import io.recsv.config.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The plan of a merge, written to the staging directory before anything is moved: which export, which parts
 * in which order, and what the result must be. A rerun after a crash resumes this plan, even though concat
 * may have consumed the parts and the export's directory may be empty by then. {@code headerInFirstPart}: part 0
 * begins with the header (export wrote it so for a compose on S3), which the merge then does not write again.
 */
record Journal(
    String runId,
    String exportId,
    Strategy strategy,
    String strategyReason,
    String exportParts,
    String finalPath,
    String header,
    long rows,
    long users,
    int exportPartCount,
    long expectedBytes,
    String expectedCrc32c,
    List<PlannedPart> parts,
    int scoreDecimals,
    boolean headerInFirstPart) {

  static final String FILE = "journal.json";

  /**
   * The same plan, merged by a verified copy of the parts where they lie now ({@code parts}): the NameNode refused
   * concat, for {@code reason}.
   */
  Journal copiedFrom(Path parts, String reason) {
    return new Journal(runId, exportId, Strategy.COPY, reason, parts.toString(), finalPath, header, rows, users,
        exportPartCount, expectedBytes, expectedCrc32c, this.parts, scoreDecimals, headerInFirstPart);
  }

  /** The bytes the merge writes before the parts: the header line, or none where part 0 begins with it. */
  byte[] headerLine() {
    return headerInFirstPart ? new byte[0] : (header + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static final Logger LOG = LogManager.getLogger(Journal.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Written to a temporary name and renamed over the last, so a journal is always whole: this plan or the last. */
  void write(FileSystem fs, Path staging) throws IOException {
    Path temp = new Path(staging, FILE + ".tmp");
    try (OutputStream out = fs.create(temp, true)) {
      JSON.writeValue(out, this);
    }
    Renames.replace(fs, temp, new Path(staging, FILE));
  }

  /**
   * The journal of an interrupted merge into {@code target} to resume, or null: none, or one made for an export
   * that was since replaced (its staging directory is then cleared: the old plan is void). Refuses a staging
   * directory that belongs to a merge into another file.
   */
  static Journal toResume(FileSystem fs, Path staging, Path target, FileSystem exportFs, Path exportManifest)
      throws IOException {
    if (!fs.exists(new Path(staging, FILE))) {
      return null;
    }
    Journal journal = read(fs, staging);
    if (!journal.finalPath().equals(target.toString())) {
      throw new UserError("staging directory " + staging + " belongs to a merge into " + journal.finalPath()
          + "; delete it if that merge is abandoned");
    }
    ExportManifest current = exportFs.exists(exportManifest) ? ExportManifest.read(exportFs, exportManifest) : null;
    if (current == null || current.exportId().equals(journal.exportId())) {
      LOG.info("resuming the interrupted merge of export {} into {} (staging directory {})", journal.exportId(),
          target, staging);
      return journal;
    }
    LOG.warn("clearing the staging directory {}: it holds an interrupted merge of export {}, but {} now holds"
        + " export {}, which is merged instead", staging, journal.exportId(), exportManifest.getParent(),
        current.exportId());
    if (!fs.delete(staging, true)) {
      throw new IOException("cannot clear the stale staging directory " + staging);
    }
    return null;
  }

  static Journal read(FileSystem fs, Path staging) throws IOException {
    try (InputStream in = fs.open(new Path(staging, FILE))) {
      return JSON.readValue(in, Journal.class);
    }
  }
}
