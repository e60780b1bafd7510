package io.recsv.merge;

import io.recsv.common.Crc32c;
import io.recsv.common.HadoopConf;
import io.recsv.common.UserError;
import io.recsv.export.ExportManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.CompositeCrcFileChecksum;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.CrcUtil;
import org.apache.hadoop.util.DataChecksum;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Merges export's CSV parts into one published CSV, without Spark: on HDFS by {@code concat} (a NameNode
 * edit, no data moved), elsewhere by a streamed copy.
 * <p>Everything happens in a staging directory beside the final path ({@code .<name>.merging/}), on the same
 * file system: the plan is journaled there first; for concat the parts directory is moved in, a header file
 * is written beside the parts and the parts are concatenated onto it. The result is verified (length, and
 * CRC32C against the checksums export computed) and only then renamed to its final name; the manifest
 * follows. A crash at any point leaves a state that a rerun recognises and completes, byte-identical, with
 * nothing lost and no re-export; a rerun after success does nothing.
 */
public final class Merger {

  private static final Logger LOG = LogManager.getLogger(Merger.class);
  static final String MERGED = "merged.csv";
  static final String STAGED_PARTS = "parts";
  static final String PUBLISHED_MARKER = "_published";
  private static final String PUBLISHED_MISMATCH =
      "the published file does not match its export; re-run 'export', then 'merge' with merge.overwrite=true";

  private final Configuration conf;
  private final Path exportDir;
  private final Path finalPath;
  private final Path outputRoot;
  private final String strategy;
  private final boolean overwrite;
  private final FsPermission permission;
  private final long maxBlocksSetting;
  private final boolean verifyChecksum;
  private final MergeStep.Listener listener;
  private final StringBuilder timings = new StringBuilder();
  private long lastStep = System.nanoTime();

  public Merger(Configuration conf, MergeSettings settings, MergeStep.Listener listener) {
    this.conf = conf;
    this.exportDir = new Path(settings.exportDir());
    this.finalPath = new Path(settings.output());
    this.outputRoot = new Path(settings.outputRoot());
    this.strategy = settings.strategy();
    this.overwrite = settings.overwrite();
    this.permission = settings.permission();
    this.maxBlocksSetting = settings.maxBlocksPerFile();
    this.verifyChecksum = settings.verifyChecksum();
    this.listener = listener;
  }

  /** Merges (or resumes an interrupted merge) and returns the published manifest. */
  public CsvManifest merge() throws IOException {
    lastStep = System.nanoTime();
    timings.setLength(0);
    FileSystem fs = open(finalPath);
    try {
      return merge(fs);
    } finally {
      if (!(fs instanceof RawLocalFileSystem)) {
        fs.close();
      }
    }
  }

  private CsvManifest merge(FileSystem fs) throws IOException {
    Path target = fs.makeQualified(finalPath);
    checkUnderOutputRoot(fs, target);
    Path staging = new Path(target.getParent(), "." + target.getName() + ".merging");
    try {
      if (fs.exists(new Path(staging, Journal.FILE))) {
        Journal journal = Journal.read(fs, staging);
        if (!journal.finalPath().equals(target.toString())) {
          throw new UserError("staging directory " + staging + " belongs to a merge into " + journal.finalPath());
        }
        LOG.info("resuming the interrupted merge of export {} into {}", journal.exportId(), target);
        return finish(fs, journal, staging, target);
      }
      ExportManifest manifest = ExportManifest.read(conf, new Path(exportDir, ExportManifest.FILE));
      CsvManifest published = fs.exists(target) ? CsvManifest.readIfExists(fs, target) : null;
      if (published != null && published.exportId().equals(manifest.exportId())
          && fs.getFileStatus(target).getLen() == published.bytes()) {
        LOG.info("{} is already published from export {}; nothing to do", target, manifest.exportId());
        return published;
      }
      if (fs.exists(target) && !overwrite) {
        throw new UserError("output " + target + " already exists; set merge.overwrite=true to replace it");
      }
      Path partsDir = new Path(exportDir, ExportManifest.PARTS_DIR);
      FileSystem partsFs = partsFileSystem(fs, partsDir);
      String chosen = choose(partsFs, fs, partsDir);
      Journal journal = MergePlanner.plan(partsFs, manifest, partsFs.makeQualified(partsDir), target, chosen);
      if ("concat".equals(chosen)) {
        checkBlockLimit(journal);
      }
      fs.delete(staging, true);
      if (!fs.mkdirs(staging)) {
        throw new IOException("cannot create staging directory " + staging);
      }
      journal.write(fs, staging);
      step(MergeStep.PLANNED);
      return finish(fs, journal, staging, target);
    } catch (AccessControlException e) {
      throw new UserError("permission denied: " + e.getMessage(), e);
    }
  }

  private CsvManifest finish(FileSystem fs, Journal journal, Path staging, Path target) throws IOException {
    long started = System.nanoTime();
    String verifiedBy = "concat".equals(journal.strategy())
        ? concat(fs, journal, staging, target)
        : copy(fs, journal, staging, target);
    if (fs.getFileStatus(target).getLen() != journal.expectedBytes()) {
      throw new IOException(target + " has " + fs.getFileStatus(target).getLen() + " bytes, expected "
          + journal.expectedBytes());
    }
    CsvManifest manifest = new CsvManifest(target.getName(), journal.rows(), journal.users(),
        journal.expectedBytes(), journal.exportPartCount(), journal.header(), journal.strategy(), journal.runId(),
        journal.exportId(), Instant.now().toString(),
        new CsvManifest.Checksum("CRC32C", journal.expectedCrc32c(), verifiedBy));
    manifest.publish(fs, target, permission);
    step(MergeStep.MANIFEST_WRITTEN);
    fs.delete(staging, true);
    step(MergeStep.CLEANED);
    LOG.info(String.format("merge: %s %,d rows, %,d bytes from %d parts by %s in %.3f s (%s)", target,
        journal.rows(), journal.expectedBytes(), journal.parts().size(), journal.strategy(),
        (System.nanoTime() - started) / 1e9, timings));
    return manifest;
  }

  /** Returns how the checksum was verified. */
  private String concat(FileSystem fs, Journal journal, Path staging, Path target) throws IOException {
    Path stagedParts = new Path(staging, STAGED_PARTS);
    Path exportParts = new Path(journal.exportParts());
    Path merged = new Path(stagedParts, MERGED);
    if (!fs.exists(stagedParts)) {
      if (fs.exists(exportParts)) {
        rename(fs, exportParts, stagedParts);
        step(MergeStep.PARTS_STAGED);
      } else if (fs.exists(target)) {
        return verifyConcat(fs, target, journal, PUBLISHED_MISMATCH);  // published before a crash
      } else {
        throw new UserError("cannot resume the merge in " + staging + ": neither " + exportParts + " nor "
            + stagedParts + " exists; delete " + staging + " and re-run 'export' and 'merge'");
      }
    }
    // concat is atomic: either every part is still there, or none is and they are in the merged file.
    boolean partsLeft = !journal.parts().isEmpty() && fs.exists(new Path(stagedParts, journal.parts().get(0).name()));
    if (!partsLeft && !fs.exists(merged) && fs.exists(target)) {
      return verifyConcat(fs, target, journal, PUBLISHED_MISMATCH);  // published before a crash
    }
    if (partsLeft || !fs.exists(merged)) {
      Path[] sources = new Path[journal.parts().size()];
      long blockSize = fs.getDefaultBlockSize(stagedParts);
      Set<String> present = new HashSet<>();  // one listing, not an RPC per part
      for (FileStatus status : fs.listStatus(stagedParts)) {
        present.add(status.getPath().getName());
      }
      for (int i = 0; i < sources.length; i++) {
        PlannedPart part = journal.parts().get(i);
        sources[i] = new Path(stagedParts, part.name());
        if (!present.contains(part.name())) {
          throw new UserError("cannot resume the merge in " + staging + ": part " + sources[i] + " is missing");
        }
        blockSize = i == 0 ? part.blockSize() : Math.max(blockSize, part.blockSize());
      }
      writeHeader(fs, merged, journal.header(), blockSize, stagedParts);
      step(MergeStep.HEADER_WRITTEN);
      if (sources.length > 0) {
        fs.concat(merged, sources);
      }
    }
    step(MergeStep.MERGED);
    String verifiedBy = verifyConcat(fs, merged, journal, "nothing was published");
    step(MergeStep.VERIFIED);
    fs.setPermission(merged, permission);
    Renames.replace(fs, merged, target);
    step(MergeStep.PUBLISHED);
    return verifiedBy;
  }

  private String copy(FileSystem fs, Journal journal, Path staging, Path target) throws IOException {
    Path marker = new Path(staging, PUBLISHED_MARKER);
    if (fs.exists(marker)) {
      return verifiedBy(verifyChecksum, "computed while copying");
    }
    Path exportParts = new Path(journal.exportParts());
    FileSystem partsFs = partsFileSystem(fs, exportParts);
    Path merged = new Path(staging, MERGED);
    Integer crc = new StreamCopy(verifyChecksum)
        .copy(partsFs, exportParts, journal.parts(), journal.header(), fs, merged);
    step(MergeStep.MERGED);
    long length = fs.getFileStatus(merged).getLen();
    boolean crcMatches = crc == null || crc == Crc32c.parse(journal.expectedCrc32c());
    if (length != journal.expectedBytes() || !crcMatches) {
      throw new IOException("merged copy " + merged + " does not match the export: " + length + " bytes, CRC32C "
          + (crc == null ? "not computed" : Crc32c.hex(crc)) + "; expected " + journal.expectedBytes()
          + " bytes, CRC32C " + journal.expectedCrc32c() + ". Nothing was published; a part may have changed"
          + " since export");
    }
    step(MergeStep.VERIFIED);
    fs.setPermission(merged, permission);
    Renames.replace(fs, merged, target);
    fs.create(marker, true).close();
    step(MergeStep.PUBLISHED);
    return verifiedBy(crc != null, "computed while copying");
  }

  private static String verifiedBy(boolean checked, String how) {
    return checked ? how + ", before publishing" : "length only; CRC32C composed from export's part checksums";
  }

  /**
   * The target of concat. HDFS refuses a source whose preferred block size exceeds the target's, so the header
   * file gets the largest block size of the parts.
   */
  private static void writeHeader(FileSystem fs, Path merged, String header, long blockSize, Path dir)
      throws IOException {
    short replication = fs.getDefaultReplication(dir);
    try (OutputStream out = fs.create(merged, true, 4096, replication, blockSize)) {
      out.write((header + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Length always; with merge.checksum = verify also the file's block-layout-independent CRC32C (HDFS
   * COMPOSITE_CRC) against the one composed from export's checksums. Returns how it was verified.
   */
  private String verifyConcat(FileSystem fs, Path merged, Journal journal, String onMismatch) throws IOException {
    long length = fs.getFileStatus(merged).getLen();
    if (length != journal.expectedBytes()) {
      throw new IOException(merged + " has " + length + " bytes, expected " + journal.expectedBytes() + "; "
          + onMismatch);
    }
    if (!verifyChecksum) {
      return verifiedBy(false, "");
    }
    FileChecksum checksum = fs.getFileChecksum(merged);  // COMPOSITE_CRC: see open()
    if (checksum instanceof CompositeCrcFileChecksum composed
        && composed.getChecksumOpt().getChecksumType() == DataChecksum.Type.CRC32C) {
      int actual = CrcUtil.readInt(composed.getBytes(), 0);
      if (actual != Crc32c.parse(journal.expectedCrc32c())) {
        throw new IOException(merged + " has CRC32C " + Crc32c.hex(actual) + ", expected "
            + journal.expectedCrc32c() + "; " + onMismatch);
      }
      return verifiedBy(true, "hdfs COMPOSITE_CRC");
    }
    LOG.warn("{} offers no CRC32C composite checksum; verified by length only", fs.getUri());
    return verifiedBy(false, "");
  }

  /**
   * The merge's own client. On HDFS: file checksums in COMPOSITE_CRC mode (block-layout independent, comparable
   * with java.util.zip.CRC32C), and a short first retry when closing a file: the client's default waits 400 ms
   * before asking the NameNode again, and the merge closes three small files (journal, header, manifest).
   * Locally: the raw file system (no .crc files).
   */
  private FileSystem open(Path path) throws IOException {
    FileSystem fs = HadoopConf.forWriting(path, conf);
    if (fs instanceof RawLocalFileSystem) {
      return fs;
    }
    Configuration tuned = new Configuration(conf);
    tuned.set("dfs.checksum.combine.mode", "COMPOSITE_CRC");
    tuned.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 5);
    return FileSystem.newInstance(fs.getUri(), tuned);
  }

  /**
   * The file system of the parts: the merge's own client when they are on the output's file system (a path
   * without a scheme resolves against the default file system, which need not be the output's), else theirs.
   */
  private FileSystem partsFileSystem(FileSystem fs, Path parts) throws IOException {
    FileSystem partsFs = HadoopConf.forWriting(parts, conf);
    return partsFs.getUri().equals(fs.getUri()) ? fs : partsFs;
  }

  private String choose(FileSystem partsFs, FileSystem fs, Path partsDir) throws IOException {
    boolean canConcat = !(fs instanceof RawLocalFileSystem)  // its concat truncates the target: never use it
        && partsFs.getUri().equals(fs.getUri())
        && fs.hasPathCapability(partsDir, CommonPathCapabilities.FS_CONCAT);
    if ("concat".equals(strategy) && !canConcat) {
      throw new UserError("merge.strategy = concat, but " + fs.getUri() + " cannot concat " + partsDir
          + " into " + finalPath + " (needs HDFS, parts and output on the same file system); use auto or copy");
    }
    return "copy".equals(strategy) || !canConcat ? "copy" : "concat";
  }

  /** Records the step's time for the summary line, then lets the listener see it. */
  private void step(MergeStep step) throws IOException {
    long now = System.nanoTime();
    timings.append(timings.length() == 0 ? "" : ", ").append(step.name().toLowerCase())
        .append(String.format(" %.3f s", (now - lastStep) / 1e9));
    lastStep = now;
    listener.reached(step);
  }

  private void checkBlockLimit(Journal journal) {
    long limit = maxBlocksSetting > 0 ? maxBlocksSetting
        : conf.getLong("dfs.namenode.fs-limits.max-blocks-per-file", 10_000L);
    long blocks = 1 + journal.parts().stream().mapToLong(PlannedPart::blocks).sum();
    if (blocks > limit) {
      throw new UserError(String.format("the merged file would have %,d blocks (each part keeps its partial last"
          + " block), more than the NameNode allows per file (dfs.namenode.fs-limits.max-blocks-per-file = %,d)."
          + " Raise that setting on the NameNode (and merge.max-blocks-per-file), or export fewer parts"
          + " (export.parts) so that each fills its blocks. Nothing was changed.", blocks, limit));
    }
  }

  private void checkUnderOutputRoot(FileSystem fs, Path target) {
    Path root = fs.makeQualified(outputRoot);
    String rootText = root.toString().endsWith("/") ? root.toString() : root + "/";
    if (!target.toString().startsWith(rootText)) {
      throw new UserError("merge.output " + target + " is outside merge.output-root " + root);
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot move " + from + " to " + to);
    }
  }
}
