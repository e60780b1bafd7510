package io.recsv.merge;

import io.recsv.common.Crc32c;
import io.recsv.common.ExportManifest;
import io.recsv.common.HadoopConf;
import io.recsv.common.Lineage;
import io.recsv.common.PathGuard;
import io.recsv.common.Renames;
import io.recsv.common.UserError;
import io.recsv.common.Version;
import io.recsv.report.Evaluation;
import io.recsv.report.RunReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.CompositeCrcFileChecksum;
import org.apache.hadoop.fs.FileChecksum;
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
 * file system. First, at once: the plan is journaled there, the manifest and (for concat) a header file are
 * written there, and the parts' HDFS checksums are compared with export's. Then, for concat, the parts
 * directory and the header file are moved beside each other and the parts concatenated onto the header. The
 * result is verified (length, and CRC32C against the checksums export computed) and only then renamed to its
 * final name; the manifest follows. A crash at any point leaves a state that a rerun recognises and
 * completes, byte-identical, with nothing lost and no re-export; a rerun after success does nothing.
 */
public final class Merger {

  private static final Logger LOG = LogManager.getLogger(Merger.class);
  /** Names in the staging directory. */
  static final String MERGED = "merged.csv";
  static final String STAGED_PARTS = "parts";
  static final String STAGED_HEADER = "header.csv";
  static final String STAGED_MANIFEST = "manifest.json";
  static final String PUBLISHED_MARKER = "_published";
  /** How the checksum was established, as the manifest says. */
  private static final String COPY_VERIFIED = "computed while copying";
  private static final String CONCAT_VERIFIED = "hdfs COMPOSITE_CRC";
  private static final String PARTS_VERIFIED = "hdfs COMPOSITE_CRC of every part";
  private static final String PUBLISHED_MISMATCH =
      "the published file does not match its export; re-run 'export', then 'merge' with merge.overwrite=true";

  private final Configuration conf;
  private final Path exportDir;
  private final Path finalPath;
  private final Path outputRoot;
  private final String strategy;
  private final boolean overwrite;
  private final FsPermission permission;
  private final Evaluation evaluation;
  private final long maxBlocksSetting;
  private final boolean verifyChecksum;
  private final boolean sync;
  private final MergeStep.Listener listener;
  private final Lineage lineage;
  private final StringBuilder timings = new StringBuilder();
  private long started;
  private long lastStep;

  public Merger(Configuration conf, MergeSettings settings, MergeStep.Listener listener) {
    this(conf, settings, listener, null);
  }

  /** {@code lineage}: what the CSV was made from, recorded in its manifest (null where there is none: benchmarks). */
  public Merger(Configuration conf, MergeSettings settings, MergeStep.Listener listener, Lineage lineage) {
    this(conf, settings, listener, lineage, null);
  }

  /** {@code evaluation}: the run's holdout metrics and gate, recorded in the manifest too (null: not evaluated). */
  public Merger(Configuration conf, MergeSettings settings, MergeStep.Listener listener, Lineage lineage,
      Evaluation evaluation) {
    this.lineage = lineage;
    this.evaluation = evaluation;
    this.conf = conf;
    this.exportDir = new Path(settings.exportDir());
    this.finalPath = new Path(settings.output());
    this.outputRoot = new Path(settings.outputRoot());
    this.strategy = settings.strategy();
    this.overwrite = settings.overwrite();
    // No merge.permission: what the file system's umask gives a new file, however the file was written (the local
    // copy writes through java.nio, which knows only the process's umask; the launcher makes the two the same).
    this.permission = settings.permission() != null ? settings.permission()
        : FsPermission.getFileDefault().applyUMask(FsPermission.getUMask(conf));
    this.maxBlocksSetting = settings.maxBlocksPerFile();
    this.verifyChecksum = settings.verifyChecksum();
    this.sync = settings.sync();
    this.listener = listener;
  }

  /** Merges (or resumes an interrupted merge) and returns the published manifest. */
  public CsvManifest merge() throws IOException {
    started = System.nanoTime();
    lastStep = started;
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
    PathGuard.requireInside(fs, target, outputRoot, "merge.output", "merge.output-root");
    Path staging = new Path(target.getParent(), "." + target.getName() + ".merging");
    try {
      Path manifestFile = new Path(exportDir, ExportManifest.FILE);
      FileSystem exportFs = partsFileSystem(fs, exportDir);
      if (fs.exists(new Path(staging, Journal.FILE))) {
        Journal journal = Journal.read(fs, staging);
        if (!journal.finalPath().equals(target.toString())) {
          throw new UserError("staging directory " + staging + " belongs to a merge into " + journal.finalPath()
              + "; delete it if that merge is abandoned");
        }
        // Resume only the export the journal was made for; after a new export the old plan is void.
        ExportManifest current = exportFs.exists(manifestFile) ? ExportManifest.read(exportFs, manifestFile) : null;
        if (current == null || current.exportId().equals(journal.exportId())) {
          LOG.info("resuming the interrupted merge of export {} into {} (staging directory {})", journal.exportId(),
              target, staging);
          return finish(fs, journal, staging, target, Staged.NONE);
        }
        LOG.warn("clearing the staging directory {}: it holds an interrupted merge of export {}, but {} now holds"
            + " export {}, which is merged instead", staging, journal.exportId(), exportDir, current.exportId());
        if (!fs.delete(staging, true)) {
          throw new IOException("cannot clear the stale staging directory " + staging);
        }
      }
      ExportManifest manifest = ExportManifest.read(exportFs, manifestFile);
      boolean targetExists = fs.exists(target);
      CsvManifest published = targetExists ? CsvManifest.readIfExists(fs, target) : null;
      if (published != null && published.exportId().equals(manifest.exportId())
          && fs.getFileStatus(target).getLen() == published.bytes()) {
        LOG.info("{} is already published from export {}; nothing to do", target, manifest.exportId());
        return published;
      }
      if (targetExists && !overwrite) {
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
      Staged staged = stage(fs, journal, staging);
      step(MergeStep.PLANNED);
      return finish(fs, journal, staging, target, staged);
    } catch (AccessControlException e) {
      throw new UserError("permission denied: " + e.getMessage(), e);
    }
  }

  /**
   * Everything a merge needs before it moves anything, done at once: the journal, the manifest, the header
   * (concat's target) and, with merge.checksum = verify, the parts' HDFS checksums. On HDFS each small file's
   * close waits for the DataNode's block report (about 10 ms here) and each checksum is a DataNode round trip:
   * in a row they would add up, together they cost about the slowest one.
   * <p>The journal is what makes the rest count: a rerun that finds a journal writes the files again (they may
   * have been cut short by the crash) and checks the parts again. If anything here fails, nothing was moved
   * yet, so the staging directory goes and the export is as it was.
   */
  private Staged stage(FileSystem fs, Journal journal, Path staging) throws IOException {
    boolean concat = "concat".equals(journal.strategy());
    boolean checkParts = concat && verifyChecksum;
    AtomicBoolean partsVerified = new AtomicBoolean();
    Path header = concat ? new Path(staging, STAGED_HEADER) : null;
    Path manifestPath = new Path(staging, STAGED_MANIFEST);
    CsvManifest manifest = manifestFor(journal, concat ? verifiedBy(verifyChecksum, PARTS_VERIFIED)
        : verifiedBy(true, COPY_VERIFIED));
    List<Concurrently.Task> tasks = new ArrayList<>();
    tasks.add(() -> journal.write(fs, staging));
    tasks.add(() -> manifest.write(fs, manifestPath, permission));
    if (concat) {
      tasks.add(() -> writeHeader(fs, header, journal.header(), headerBlockSize(fs, journal, staging), staging));
    }
    if (checkParts) {
      tasks.add(() -> partsVerified.set(PartChecksums.verify(fs, new Path(journal.exportParts()), journal.parts(),
          "re-run the 'export' stage")));
    }
    try {
      Concurrently.run(tasks);
    } catch (IOException | RuntimeException e) {
      fs.delete(staging, true);
      throw e;
    }
    return new Staged(header, manifestPath, manifest, partsVerified.get());
  }

  private CsvManifest finish(FileSystem fs, Journal journal, Path staging, Path target, Staged staged)
      throws IOException {
    String verifiedBy = "concat".equals(journal.strategy())
        ? concat(fs, journal, staging, target, staged)
        : copy(fs, journal, staging, target);
    checkLength(fs, target, journal, PUBLISHED_MISMATCH);
    CsvManifest manifest;
    if (staged.manifest() != null && verifiedBy.equals(staged.manifest().checksum().verifiedBy())) {
      manifest = staged.manifest();
      Renames.replace(fs, staged.manifestPath(), CsvManifest.pathFor(target));
    } else {
      manifest = manifestFor(journal, verifiedBy);
      manifest.publish(fs, target, permission);
    }
    step(MergeStep.MANIFEST_WRITTEN);
    fs.delete(staging, true);
    step(MergeStep.CLEANED);
    LOG.info(String.format("merge: %s %,d rows, %,d bytes from %d parts by %s in %.3f s (%s)", target,
        journal.rows(), journal.expectedBytes(), journal.parts().size(), journal.strategy(),
        (System.nanoTime() - started) / 1e9, timings));
    return manifest;
  }

  private CsvManifest manifestFor(Journal journal, String verifiedBy) {
    // What the score stage was asked for, from its lineage record (none where there is no lineage: benchmarks).
    Lineage scored = lineage == null ? null : lineage.byStage().get("score");
    Map<String, String> score = scored == null ? Map.of() : scored.config();
    Lineage trained = lineage == null ? null : lineage.byStage().get("train");
    Path csv = new Path(journal.finalPath());
    return new CsvManifest(CsvManifest.FORMAT, csv.getName(), journal.rows(),
        journal.users(), journal.expectedBytes(), journal.exportPartCount(), journal.header(),
        CsvManifest.columns(journal.header()), score.containsKey("score.k") ? Integer.valueOf(score.get("score.k"))
        : null, score.get("score.normalization"), journal.scoreDecimals(), journal.strategy(), journal.runId(),
        journal.exportId(), Instant.now().toString(), Version.version(), Version.commit(),
        trained == null ? null : trained.config(), scored == null ? null : scored.config(), stageSeconds(),
        lineage == null ? null : new CsvManifest.Report(RunReport.jsonFor(csv).getName(),
            RunReport.htmlFor(csv).getName()), evaluation,
        new CsvManifest.Checksum("CRC32C", journal.expectedCrc32c(), verifiedBy), lineage);
  }

  /** Seconds of each stage before the merge, as their lineage records them (the report has the merge's too). */
  private Map<String, Double> stageSeconds() {
    if (lineage == null) {
      return null;
    }
    Map<String, Double> seconds = new java.util.TreeMap<>();
    lineage.byStage().forEach((stage, l) -> {
      if (l != lineage && l.seconds() != null) {
        seconds.put(stage, l.seconds());
      }
    });
    return seconds;
  }

  /** Returns how the checksum was verified. */
  private String concat(FileSystem fs, Journal journal, Path staging, Path target, Staged staged)
      throws IOException {
    Path stagedParts = new Path(staging, STAGED_PARTS);
    Path merged = new Path(stagedParts, MERGED);
    boolean partsVerified = staged.partsVerified();
    if (staged.header() != null) {  // a first attempt knows where things are: no probing
      Renames.move(fs, new Path(journal.exportParts()), stagedParts);
      step(MergeStep.PARTS_STAGED);
      Renames.move(fs, staged.header(), merged);  // concat's target must be in the parts' directory
      step(MergeStep.HEADER_WRITTEN);
      concatParts(fs, merged, stagedParts, journal);
    } else {
      InterruptedConcat.State state = InterruptedConcat.find(fs, journal, staging, target);
      if (state == InterruptedConcat.State.PUBLISHED) {
        return verifyConcat(fs, target, journal, PUBLISHED_MISMATCH);  // published before the crash
      }
      if (state == InterruptedConcat.State.PARTS_LEFT) {
        if (verifyChecksum) {  // check the parts before concat consumes them
          partsVerified = PartChecksums.verify(fs, stagedParts, journal.parts(), "delete " + staging
              + " (it holds the parts of the interrupted merge), then re-run 'export' and 'merge'");
        }
        writeHeader(fs, merged, journal.header(), headerBlockSize(fs, journal, stagedParts), stagedParts);
        step(MergeStep.HEADER_WRITTEN);
        concatParts(fs, merged, stagedParts, journal);
      }
    }
    step(MergeStep.MERGED);
    String verifiedBy;
    if (partsVerified) {  // the parts' checksums matched before concat linked their blocks in
      checkLength(fs, merged, journal, "nothing was published");
      verifiedBy = verifiedBy(true, PARTS_VERIFIED);
    } else {
      verifiedBy = verifyConcat(fs, merged, journal, "nothing was published");
    }
    step(MergeStep.VERIFIED);
    fs.setPermission(merged, permission);
    Renames.replace(fs, merged, target);
    step(MergeStep.PUBLISHED);
    return verifiedBy;
  }

  private static void concatParts(FileSystem fs, Path merged, Path stagedParts, Journal journal)
      throws IOException {
    if (journal.parts().isEmpty()) {
      return;
    }
    Path[] sources = new Path[journal.parts().size()];
    for (int i = 0; i < sources.length; i++) {
      sources[i] = new Path(stagedParts, journal.parts().get(i).name());
    }
    fs.concat(merged, sources);
  }

  private String copy(FileSystem fs, Journal journal, Path staging, Path target) throws IOException {
    Path marker = new Path(staging, PUBLISHED_MARKER);
    if (fs.exists(marker)) {
      return verifiedBy(true, COPY_VERIFIED);
    }
    Path exportParts = new Path(journal.exportParts());
    FileSystem partsFs = partsFileSystem(fs, exportParts);
    Path merged = new Path(staging, MERGED);
    int crc = new StreamCopy(sync).copy(partsFs, exportParts, journal.parts(), journal.header(), fs, merged);
    step(MergeStep.MERGED);
    long length = fs.getFileStatus(merged).getLen();
    if (length != journal.expectedBytes() || crc != Crc32c.parse(journal.expectedCrc32c())) {
      throw new IOException("merged copy " + merged + " does not match the export: " + length + " bytes, CRC32C "
          + Crc32c.hex(crc) + "; expected " + journal.expectedBytes()
          + " bytes, CRC32C " + journal.expectedCrc32c() + ". Nothing was published; a part may have changed"
          + " since export: re-run 'export', then 'merge' (the staging directory " + staging + " is replaced)");
    }
    step(MergeStep.VERIFIED);
    fs.setPermission(merged, permission);
    Renames.replace(fs, merged, target);
    fs.create(marker, true).close();
    step(MergeStep.PUBLISHED);
    return verifiedBy(true, COPY_VERIFIED);
  }

  private static String verifiedBy(boolean checked, String how) {
    return checked ? how + ", before publishing" : "length only; CRC32C composed from export's part checksums";
  }

  /** HDFS refuses a concat source whose preferred block size exceeds the target's: the largest of the parts. */
  private static long headerBlockSize(FileSystem fs, Journal journal, Path dir) {
    long blockSize = 0;
    for (PlannedPart part : journal.parts()) {
      blockSize = Math.max(blockSize, part.blockSize());
    }
    return blockSize > 0 ? blockSize : fs.getDefaultBlockSize(dir);
  }

  /** The target of concat: a small file holding the header line. */
  private static void writeHeader(FileSystem fs, Path merged, String header, long blockSize, Path dir)
      throws IOException {
    short replication = fs.getDefaultReplication(dir);
    try (OutputStream out = fs.create(merged, true, 4096, replication, blockSize)) {
      out.write((header + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The file must have the length the journal expects: header plus every part. */
  private static void checkLength(FileSystem fs, Path file, Journal journal, String onMismatch) throws IOException {
    long length = fs.getFileStatus(file).getLen();
    if (length != journal.expectedBytes()) {
      throw new IOException(file + " has " + length + " bytes, expected " + journal.expectedBytes() + "; "
          + onMismatch);
    }
  }

  /**
   * Length always; with merge.checksum = verify also the file's block-layout-independent CRC32C (HDFS
   * COMPOSITE_CRC) against the one composed from export's checksums. Returns how it was verified.
   */
  private String verifyConcat(FileSystem fs, Path merged, Journal journal, String onMismatch) throws IOException {
    checkLength(fs, merged, journal, onMismatch);
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
      return verifiedBy(true, CONCAT_VERIFIED);
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
    // A first retry after 1 ms instead of 400; 9 more doublings keep the total patience above the default's
    // (5 retries from 400 ms: 12.4 s; 14 from 1 ms: 16.4 s), so a slow cluster fails no sooner than before.
    tuned.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 1);
    tuned.setInt("dfs.client.block.write.locateFollowingBlock.retries",
        conf.getInt("dfs.client.block.write.locateFollowingBlock.retries", 5) + 9);
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

  /**
   * What the first attempt prepared together with its journal: the concat target holding the header (null for
   * copy), the manifest, written for the verification the merge expects, and whether the parts' checksums
   * matched. A resumed merge has none of them.
   */
  private record Staged(Path header, Path manifestPath, CsvManifest manifest, boolean partsVerified) {
    static final Staged NONE = new Staged(null, null, null, false);
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

}
