package io.recsv.merge;

import io.recsv.fs.HadoopConf;
import io.recsv.fs.ServerSideCompose;
import io.recsv.config.UserError;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.EncryptionZone;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The merge's file systems: its own client, where the parts are, and what the file system allows. */
final class MergeClient {

  private static final Logger LOG = LogManager.getLogger(MergeClient.class);

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

  /** The strategy a merge takes, and why: the journal and the manifest hold both. */
  record Choice(Strategy strategy, String reason) {}

  /**
   * The best method the file systems offer, as merge.strategy allows: compose on S3 (parts and output on it),
   * concat on HDFS (parts and output on one file system, outside an encryption zone); else the verified copy,
   * with a line that says why.
   */
  static Choice choose(Strategy setting, FileSystem partsFs, FileSystem fs, Path partsDir, Path finalPath,
      boolean headerInFirstPart) throws IOException {
    if (setting == Strategy.COPY) {
      return new Choice(Strategy.COPY, "merge.strategy = copy");
    }
    Path parts = partsFs.makeQualified(partsDir);
    Path csv = fs.makeQualified(finalPath);
    boolean composes = ServerSideCompose.applies(parts, csv, fs.getConf());
    if (composes && setting != Strategy.CONCAT) {
      return new Choice(Strategy.COMPOSE, "S3 compose: a multipart upload of server-side copies of the parts"
          + " (UploadPartCopy), no data through the merge");
    }
    if (setting == Strategy.COMPOSE) {
      throw new UserError("merge.strategy = compose, but " + parts + " and " + csv + " are not both on S3"
          + " (s3a://), where recsv composes; use auto (concat on HDFS, else the verified copy) or copy");
    }
    String cannot = headerInFirstPart
        ? "export put the header in its first part, for a compose on S3; re-run 'export' to merge by concat"
        : whyNoConcat(partsFs, fs, partsDir, finalPath);
    if (cannot == null) {
      return new Choice(Strategy.CONCAT, "HDFS concat: the parts' blocks linked into one file, no data moved");
    }
    if (setting == Strategy.CONCAT) {
      throw new UserError("merge.strategy = concat, but " + fs.getUri() + " cannot concat " + partsDir + " into "
          + finalPath + ": " + cannot + "; use auto (the verified copy) or copy");
    }
    if (!(fs instanceof RawLocalFileSystem)) {  // one machine's file system: copying is its way, nothing to say
      LOG.info("merge: {}: merging by the verified copy", cannot);
    }
    return new Choice(Strategy.COPY, cannot);
  }

  /** Why the parts cannot be concatenated into the CSV; null when they can. */
  private static String whyNoConcat(FileSystem partsFs, FileSystem fs, Path partsDir, Path finalPath)
      throws IOException {
    if (fs instanceof RawLocalFileSystem) {
      return "a local file system has no concat that keeps the target's bytes";
    }
    if (!partsFs.getUri().equals(fs.getUri())) {
      return "the parts (" + partsFs.getUri() + ") and the CSV (" + fs.getUri() + ") are on different file systems"
          + (ServerSideCompose.applies(finalPath, finalPath, fs.getConf()) ? " (with the run's work directory on S3"
          + " too, run.root, S3 composes the CSV on its servers)" : "");
    }
    if (!fs.hasPathCapability(partsDir, CommonPathCapabilities.FS_CONCAT)) {
      return "the " + fs.getUri().getScheme() + " file system (" + fs.getClass().getSimpleName() + ") has no"
          + " concat recsv uses";
    }
    if (fs instanceof DistributedFileSystem dfs) {
      for (Path p : List.of(partsDir, existingAncestor(fs, finalPath))) {
        EncryptionZone zone = dfs.getEZForPath(p);
        if (zone != null) {
          return p + " is in the encryption zone " + zone.getPath() + ", where the NameNode refuses concat";
        }
      }
    }
    return null;
  }

  private static Path existingAncestor(FileSystem fs, Path path) throws IOException {
    Path p = path;
    while (p.getParent() != null && !fs.exists(p)) {
      p = p.getParent();
    }
    return p;
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
