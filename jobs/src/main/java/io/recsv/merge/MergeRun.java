package io.recsv.merge;

import io.recsv.fs.Crc32c;
import io.recsv.fs.Renames;
import java.io.IOException;
import org.apache.hadoop.fs.CompositeCrcFileChecksum;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.CrcUtil;
import org.apache.hadoop.util.DataChecksum;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One attempt at a merge: its journal, where its files are, and what the attempt has learnt (whether the parts'
 * checksums matched, how the result was verified). The strategies' transitions read and write it.
 */
final class MergeRun {

  private static final Logger LOG = LogManager.getLogger(MergeRun.class);
  /** Names in the staging directory. */
  static final String MERGED = "merged.csv";
  static final String STAGED_PARTS = "parts";
  static final String STAGED_HEADER = "header.csv";
  static final String STAGED_MANIFEST = "manifest.json";
  static final String PUBLISHED_MARKER = "_published";
  static final String PUBLISHED_MISMATCH =
      "the published file does not match its export; re-run 'export', then 'merge' with merge.overwrite=true";

  final FileSystem fs;
  final Journal journal;
  final Path staging;
  final Path target;
  final FsPermission permission;
  final ChecksumMode checksum;
  final boolean sync;
  /** merge.overwrite: whether an existing CSV may be replaced (a compose then writes unconditionally). */
  final boolean overwrite;
  final MergeStep.Listener listener;
  /** (compose) Parts S3 copies at once. */
  final int parallelCopies;
  /** Whether a crash interrupted an earlier attempt, whose files this one cannot trust to be whole. */
  final boolean resumed;
  /** Whether every part's checksum matched export's; null until checked (a resumed attempt checks again). */
  Boolean partsVerified;
  /** How the merged file was verified; null until it was. */
  Verification verification;

  MergeRun(FileSystem fs, Journal journal, Path staging, Path target, FsPermission permission, ChecksumMode checksum,
      boolean sync, boolean overwrite, int parallelCopies, MergeStep.Listener listener, boolean resumed) {
    this.fs = fs;
    this.journal = journal;
    this.staging = staging;
    this.target = target;
    this.permission = permission;
    this.checksum = checksum;
    this.sync = sync;
    this.overwrite = overwrite;
    this.listener = listener;
    this.parallelCopies = parallelCopies;
    this.resumed = resumed;
  }

  Path exportParts() {
    return new Path(journal.exportParts());
  }

  /** (concat) The parts' directory once moved into the staging directory. */
  Path stagedParts() {
    return new Path(staging, STAGED_PARTS);
  }

  /** The file must have the length the journal expects: header plus every part. */
  void checkLength(Path file, String onMismatch) throws IOException {
    long length = fs.getFileStatus(file).getLen();
    if (length != journal.expectedBytes()) {
      throw new IOException(file + " has " + length + " bytes, expected " + journal.expectedBytes() + "; "
          + onMismatch);
    }
  }

  /**
   * Length always; with merge.checksum = verify also the file's block-layout-independent CRC32C (HDFS
   * COMPOSITE_CRC, see Merger's client) against the one composed from export's checksums.
   */
  Verification verifyWhole(Path file, String onMismatch) throws IOException {
    checkLength(file, onMismatch);
    if (checksum == ChecksumMode.RECORD) {
      return Verification.LENGTH_ONLY;
    }
    FileChecksum crc = fs.getFileChecksum(file);
    if (crc instanceof CompositeCrcFileChecksum composed
        && composed.getChecksumOpt().getChecksumType() == DataChecksum.Type.CRC32C) {
      int actual = CrcUtil.readInt(composed.getBytes(), 0);
      if (actual != Crc32c.parse(journal.expectedCrc32c())) {
        throw new IOException(file + " has CRC32C " + Crc32c.hex(actual) + ", expected "
            + journal.expectedCrc32c() + "; " + onMismatch);
      }
      return Verification.CONCAT_CRC;
    }
    LOG.warn("{} offers no CRC32C composite checksum; verified by length only", fs.getUri());
    return Verification.LENGTH_ONLY;
  }

  /** The verified file takes the final name, with the CSV's permission. */
  void publish(Path merged) throws IOException {
    fs.setPermission(merged, permission);
    Renames.replace(fs, merged, target);
  }
}
