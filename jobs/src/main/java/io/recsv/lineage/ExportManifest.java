package io.recsv.lineage;

import io.recsv.config.UserError;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * What export wrote, counted while writing: per part its rows, users, bytes, CRC32C and, for a compose on
 * S3, MD5 (S3's ETag of a copied part). Merge verifies the merged file against these instead of re-reading it. The header
 * is the merge's to write, except where the CSV is composed on an object store ({@code headerInFirstPart}: part 0
 * begins with it, so that no part of the composed object holds the header alone). It describes a dataset of the run (export's parts),
 * so it lives beside the {@link RunLayout}: the export stage writes it and the merge stage reads it, and neither
 * imports the other.
 */
public record ExportManifest(
    String format,
    String runId,
    String exportId,
    String createdAt,
    String header,
    int scoreDecimals,
    long rows,
    long users,
    long bytes,
    boolean headerInFirstPart,
    List<Part> parts) {

  public static final String FORMAT = "recsv-export/2";
  public static final String FILE = "manifest.json";
  public static final String PARTS_DIR = "parts";

  /**
   * One CSV part: whole users only; no header, but in part 0 where the manifest says {@code headerInFirstPart}.
   * {@code md5}: only where the CSV is composed on S3 (then headerInFirstPart), else null.
   */
  public record Part(int index, String name, long rows, long users, long bytes, String crc32c, String md5)
      implements java.io.Serializable {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static String partName(int index) {
    return String.format("part-%05d.csv", index);
  }

  public void write(FileSystem fs, Path file) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      JSON.writeValue(out, this);
    }
  }

  public static ExportManifest read(Configuration conf, Path file) throws IOException {
    return read(file.getFileSystem(conf), file);
  }

  /** Reads it with a client the caller already has (the merge's: one connection, not two). */
  public static ExportManifest read(FileSystem fs, Path file) throws IOException {
    ExportManifest manifest;
    try (InputStream in = fs.open(file)) {
      manifest = JSON.readValue(in, ExportManifest.class);
    } catch (FileNotFoundException e) {
      throw new UserError("export manifest " + file + " is missing: run the 'export' stage of this run first");
    } catch (AccessControlException e) {
      throw new UserError("permission denied reading export manifest " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError("export manifest " + file + " is not valid: " + e.getMessage(), e);
    }
    manifest.check(file);
    return manifest;
  }

  /** Totals must add up, and parts must be numbered 0..n-1, or the manifest is not to be trusted. */
  private void check(Path file) {
    if (!FORMAT.equals(format)) {
      throw new UserError("export manifest " + file + " has format '" + format + "', expected " + FORMAT
          + "; re-run the 'export' stage");
    }
    long r = 0;
    long b = 0;
    long u = 0;
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      if (p.index() != i || !partName(i).equals(p.name())) {
        throw new UserError("export manifest " + file + " is inconsistent: entry " + i + " is " + p.name());
      }
      r += p.rows();
      b += p.bytes();
      u += p.users();
    }
    if (r != rows || b != bytes || u != users) {
      throw new UserError("export manifest " + file + " is inconsistent: parts add up to " + r + " rows, " + b
          + " bytes, " + u + " users; totals say " + rows + ", " + bytes + ", " + users);
    }
  }
}
