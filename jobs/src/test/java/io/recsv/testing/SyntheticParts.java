package io.recsv.testing;

import io.recsv.fs.Crc32c;
import io.recsv.export.ExportJob;
import io.recsv.lineage.ExportManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * An export directory (parts + manifest) of CSV rows shaped like recsv's, of a chosen size, written straight
 * to a file system: what the merge tests and benchmark merge. Part sizes may be given one by one (0 = empty).
 */
public final class SyntheticParts {

  private SyntheticParts() {}

  /** Writes {@code exportDir/parts/part-NNNNN.csv} and {@code exportDir/manifest.json}; returns the manifest. */
  public static ExportManifest write(FileSystem fs, Path exportDir, long[] partBytes, long blockSize, long seed)
      throws IOException {
    return write(fs, exportDir, partBytes, blockSize, seed, false);
  }

  /**
   * As {@link #write(FileSystem, Path, long[], long, long)}; with {@code headerInFirstPart} part 0 begins with the
   * header line (within its size), as export writes it for a compose on S3.
   */
  public static ExportManifest write(FileSystem fs, Path exportDir, long[] partBytes, long blockSize, long seed,
      boolean headerInFirstPart) throws IOException {
    Path parts = new Path(exportDir, ExportManifest.PARTS_DIR);
    fs.mkdirs(parts);
    List<ExportManifest.Part> written = new ArrayList<>();
    long state = seed;
    byte[] buf = new byte[1 << 20];
    for (int i = 0; i < partBytes.length; i++) {
      Path path = new Path(parts, ExportManifest.partName(i));
      if (partBytes[i] == 0 && fs instanceof RawLocalFileSystem local) {
        // Tests make 100,000 empty parts; java.nio creates them an order of magnitude faster.
        Files.createFile(local.pathToFile(path).toPath());
        written.add(new ExportManifest.Part(i, ExportManifest.partName(i), 0, 0, 0, "00000000", md5(new byte[0])));
        continue;
      }
      CRC32C crc = new CRC32C();
      java.security.MessageDigest md5 = md5();
      long rows = 0;
      long bytes = 0;
      try (OutputStream out = fs.create(path, true, 1 << 16, fs.getDefaultReplication(parts), blockSize)) {
        int pos = 0;
        if (i == 0 && headerInFirstPart) {
          byte[] head = (ExportJob.HEADER + "\n").getBytes(StandardCharsets.UTF_8);
          System.arraycopy(head, 0, buf, 0, head.length);
          pos = head.length;
        }
        StringBuilder row = new StringBuilder(48);
        while (bytes + pos < partBytes[i]) {
          state = state * 6364136223846793005L + 1442695040888963407L;
          row.setLength(0);
          row.append((state >>> 20) & 0xFFFFFFFFFL).append(',').append((state >>> 8) & 0xFFFFFFFL).append(",0.")
              .append(1000 + (state >>> 54)).append('\n');
          byte[] line = row.toString().getBytes(StandardCharsets.US_ASCII);
          long room = partBytes[i] - bytes - pos;
          int n = (int) Math.min(line.length, room);
          if (n < line.length) {
            // Pad the last row so the part ends with a full line of exactly the requested size.
            java.util.Arrays.fill(line, 0, n - 1, (byte) '9');
            line[n - 1] = '\n';
          }
          if (pos + n > buf.length) {
            out.write(buf, 0, pos);
            crc.update(buf, 0, pos);
            md5.update(buf, 0, pos);
            bytes += pos;
            pos = 0;
          }
          System.arraycopy(line, 0, buf, pos, n);
          pos += n;
          rows++;
        }
        out.write(buf, 0, pos);
        crc.update(buf, 0, pos);
        md5.update(buf, 0, pos);
        bytes += pos;
      }
      written.add(new ExportManifest.Part(i, ExportManifest.partName(i), rows, rows > 0 ? 1 : 0, bytes,
          Crc32c.hex((int) crc.getValue()), java.util.HexFormat.of().formatHex(md5.digest())));
    }
    ExportManifest manifest = new ExportManifest(ExportManifest.FORMAT, "bench", UUID.randomUUID().toString(),
        Instant.now().toString(), ExportJob.HEADER, 4,
        written.stream().mapToLong(ExportManifest.Part::rows).sum(),
        written.stream().mapToLong(ExportManifest.Part::users).sum(),
        written.stream().mapToLong(ExportManifest.Part::bytes).sum(), headerInFirstPart, written);
    manifest.write(fs, new Path(exportDir, ExportManifest.FILE));
    return manifest;
  }

  public static long[] equalParts(int parts, long totalBytes) {
    long[] sizes = new long[parts];
    java.util.Arrays.fill(sizes, totalBytes / parts);
    return sizes;
  }

  /** The CSV a merge of the export must publish: the header line, then every part in order. */
  public static byte[] expectedCsv(FileSystem fs, Path exportDir, ExportManifest manifest) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    if (!manifest.headerInFirstPart()) {
      out.write((manifest.header() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    for (ExportManifest.Part part : manifest.parts()) {
      out.write(read(fs, new Path(exportDir, "parts/" + part.name())));
    }
    return out.toByteArray();
  }

  public static byte[] read(FileSystem fs, Path file) throws IOException {
    try (java.io.InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  private static java.security.MessageDigest md5() {
    try {
      return java.security.MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String md5(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(md5().digest(bytes));
  }
}
