package io.recsv.merge;

import io.recsv.fs.Crc32c;
import io.recsv.config.UserError;
import io.recsv.lineage.ExportManifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * Checks the export against its manifest and lays out the merge: the parts in numeric index order (not string
 * order: part-100000 follows part-99999), the empty ones left out (concat refuses 0-byte sources), and the
 * length and CRC32C the merged file must have. Anything in the parts directory that is not a part
 * (_SUCCESS, .crc files, _attempts/) is ignored; a part that is missing or changed size since export is an
 * error, raised before anything is touched.
 */
final class MergePlanner {

  private static final Pattern PART = Pattern.compile("part-(\\d+)\\.csv");

  private MergePlanner() {}

  static String headerLine(ExportManifest manifest) {
    return manifest.header() + "\n";
  }

  static Journal plan(FileSystem fs, ExportManifest manifest, Path partsDir, Path finalPath, MergeClient.Choice choice)
      throws IOException {
    Map<Integer, FileStatus> found = listParts(fs, partsDir);
    List<PlannedPart> parts = new ArrayList<>();
    // Where part 0 begins with the header (a CSV composed on S3), it is counted in part 0's bytes and checksums.
    byte[] header = manifest.headerInFirstPart() ? new byte[0] : headerLine(manifest).getBytes(StandardCharsets.UTF_8);
    CRC32C headerCrc = new CRC32C();
    headerCrc.update(header);
    int crc = (int) headerCrc.getValue();
    long bytes = header.length;
    for (ExportManifest.Part part : manifest.parts()) {
      FileStatus status = found.remove(part.index());
      if (status == null) {
        throw new UserError("part " + new Path(partsDir, part.name()) + " is listed in the export manifest but"
            + " missing; re-run the 'export' stage");
      }
      if (status.getLen() != part.bytes()) {
        throw new UserError("part " + status.getPath() + " changed size since export: the manifest says "
            + part.bytes() + " bytes, the file has " + status.getLen() + "; re-run the 'export' stage");
      }
      if (part.bytes() == 0) {
        continue;
      }
      int partCrc = Crc32c.parse(part.crc32c());
      parts.add(new PlannedPart(part.index(), part.name(), part.bytes(), status.getBlockSize(), partCrc,
          part.md5()));
      crc = Crc32c.compose(crc, partCrc, part.bytes());
      bytes += part.bytes();
    }
    if (!found.isEmpty()) {
      FileStatus extra = found.values().iterator().next();
      throw new UserError("part " + extra.getPath() + " is not in the export manifest: the parts directory was"
          + " changed after export; re-run the 'export' stage");
    }
    return new Journal(manifest.runId(), manifest.exportId(), choice.strategy(), choice.reason(), partsDir.toString(),
        finalPath.toString(), manifest.header(), manifest.rows(), manifest.users(), manifest.parts().size(), bytes, Crc32c.hex(crc),
        parts, manifest.scoreDecimals(), manifest.headerInFirstPart());
  }

  private static Map<Integer, FileStatus> listParts(FileSystem fs, Path partsDir) throws IOException {
    FileStatus[] statuses;
    try {
      statuses = fs.listStatus(partsDir);
    } catch (FileNotFoundException e) {
      throw new UserError("parts directory " + partsDir + " does not exist: run the 'export' stage of this run");
    } catch (AccessControlException e) {
      throw new UserError("permission denied reading " + partsDir + ": " + e.getMessage(), e);
    }
    Map<Integer, FileStatus> parts = new HashMap<>();
    for (FileStatus status : statuses) {
      Matcher m = PART.matcher(status.getPath().getName());
      if (status.isFile() && m.matches()) {
        parts.put(Integer.parseInt(m.group(1)), status);
      }
    }
    return parts;
  }
}
