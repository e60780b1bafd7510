package io.recsv.merge;

import io.recsv.fs.HadoopConf;
import io.recsv.config.UserError;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** The merge's file systems: its own client, where the parts are, and what the file system allows. */
final class MergeClient {

  private MergeClient() {}

  /**
   * The merge's own client. On HDFS: file checksums in COMPOSITE_CRC mode (block-layout independent, comparable
   * with java.util.zip.CRC32C), and a short first retry when closing a file: the client's default waits 400 ms
   * before asking the NameNode again, and the merge closes three small files (journal, header, manifest).
   * Locally: the raw file system (no .crc files).
   */
  static FileSystem open(Path path, Configuration conf) throws IOException {
    FileSystem fs = HadoopConf.forWriting(path, conf);
    if (fs instanceof RawLocalFileSystem) {
      return fs;
    }
    Configuration tuned = new Configuration(conf);
    tuned.set("dfs.checksum.combine.mode", "COMPOSITE_CRC");
    // A first retry after 1 ms instead of 400; 9 more doublings keep the total patience above the default's
    // (5 retries from 400 ms: 12.4 s; 14 from 1 ms: 16.4 s), so a slow cluster fails no sooner than before.
    tuned.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 1);
    tuned.setInt("dfs.client.block.write.locateFollowingBlock.retries",
        conf.getInt("dfs.client.block.write.locateFollowingBlock.retries", 5) + 9);
    return FileSystem.newInstance(fs.getUri(), tuned);
  }

  /**
   * The file system of {@code path}: the merge's own client {@code fs} when the path is on it (a path without a
   * scheme resolves against the default file system, which need not be the output's), else the path's.
   */
  static FileSystem of(Path path, FileSystem fs, Configuration conf) throws IOException {
    FileSystem other = HadoopConf.forWriting(path, conf);
    return other.getUri().equals(fs.getUri()) ? fs : other;
  }

  /** concat where it can (HDFS, parts and output on one file system), as merge.strategy allows. */
  static Strategy choose(Strategy setting, FileSystem partsFs, FileSystem fs, Path partsDir, Path finalPath)
      throws IOException {
    boolean canConcat = !(fs instanceof RawLocalFileSystem)  // its concat truncates the target: never use it
        && partsFs.getUri().equals(fs.getUri())
        && fs.hasPathCapability(partsDir, CommonPathCapabilities.FS_CONCAT);
    if (setting == Strategy.CONCAT && !canConcat) {
      throw new UserError("merge.strategy = concat, but " + fs.getUri() + " cannot concat " + partsDir
          + " into " + finalPath + " (needs HDFS, parts and output on the same file system); use auto or copy");
    }
    return setting == Strategy.COPY || !canConcat ? Strategy.COPY : Strategy.CONCAT;
  }

  /** The NameNode refuses a file of more blocks than dfs.namenode.fs-limits.max-blocks-per-file: checked first. */
  static void checkBlockLimit(Journal journal, long setting, Configuration conf) {
    long limit = setting > 0 ? setting : conf.getLong("dfs.namenode.fs-limits.max-blocks-per-file", 10_000L);
    long blocks = 1 + journal.parts().stream().mapToLong(PlannedPart::blocks).sum();
    if (blocks > limit) {
      throw new UserError(String.format("the merged file would have %,d blocks (each part keeps its partial last"
          + " block), more than the NameNode allows per file (dfs.namenode.fs-limits.max-blocks-per-file = %,d)."
          + " Raise that setting on the NameNode (and merge.max-blocks-per-file), or export fewer parts"
          + " (export.parts) so that each fills its blocks. Nothing was changed.", blocks, limit));
    }
  }
}
