package io.recsv.merge;

import io.recsv.fs.Crc32c;
import io.recsv.run.DaemonThreads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.CompositeCrcFileChecksum;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.CrcUtil;
import org.apache.hadoop.util.DataChecksum;

/**
 * Checks that what HDFS stores for each part is what export wrote: the part's block-layout-independent CRC32C
 * (COMPOSITE_CRC, computed by the DataNodes from their block checksums, no data read) against the CRC32C export
 * computed while writing it. concat links exactly these blocks into the merged file, so the merged file's
 * CRC32C is then the composition of the parts'.
 * <p>One request per block, each a round trip to a DataNode: they are sent for many parts at once, so the check
 * costs a fraction of asking for the merged file's checksum, whose blocks are asked for one after the other.
 */
final class PartChecksums {

  private static final int THREADS = 8;

  private PartChecksums() {}

  /**
   * Returns false if the file system offers no CRC32C composite checksum (nothing was checked); throws, naming
   * the parts and ending with {@code whatToDo}, if any differs.
   */
  static boolean verify(FileSystem fs, Path dir, List<PlannedPart> parts, String whatToDo) throws IOException {
    if (parts.isEmpty()) {
      return true;
    }
    ExecutorService threads = DaemonThreads.pool(Math.min(THREADS, parts.size()), "recsv-merge-checksum");
    try {
      List<Future<FileChecksum>> asked = new ArrayList<>();
      for (PlannedPart part : parts) {
        asked.add(threads.submit(() -> fs.getFileChecksum(new Path(dir, part.name()))));
      }
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        FileChecksum checksum = get(asked.get(i));
        if (!(checksum instanceof CompositeCrcFileChecksum composite)
            || composite.getChecksumOpt().getChecksumType() != DataChecksum.Type.CRC32C) {
          return false;
        }
        int actual = CrcUtil.readInt(composite.getBytes(), 0);
        if (actual != parts.get(i).crc32c()) {
          wrong.add(new Path(dir, parts.get(i).name()) + " has CRC32C " + Crc32c.hex(actual) + ", export wrote "
              + Crc32c.hex(parts.get(i).crc32c()));
        }
      }
      if (!wrong.isEmpty()) {
        throw new IOException(wrong.size() + " part(s) differ from what export wrote: "
            + String.join("; ", wrong.subList(0, Math.min(3, wrong.size())))
            + (wrong.size() > 3 ? "; ..." : "") + ". Nothing was merged or published; " + whatToDo);
      }
      return true;
    } finally {
      threads.shutdownNow();
    }
  }

  private static FileChecksum get(Future<FileChecksum> checksum) throws IOException {
    try {
      return checksum.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking for the parts' checksums", e);
    }
  }
}
