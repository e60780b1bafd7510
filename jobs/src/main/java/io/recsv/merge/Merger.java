package io.recsv.merge;

import io.recsv.lineage.ExportManifest;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.PublishGuard;
import io.recsv.fs.Renames;
import io.recsv.config.UserError;
import io.recsv.report.Evaluation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Merges export's CSV parts into one published CSV, without Spark: on HDFS by {@code concat} (a NameNode
 * edit, no data moved), on S3 by a compose on its servers (a multipart upload of copies), elsewhere by a streamed
 * copy.
 * <p>A merge is a state machine over {@link MergeStep}s, run in a staging directory beside the final path
 * ({@code .<name>.merging/}), on the same file system. The plan is journaled first, with the manifest and the
 * strategy's own staged files, all at once; then the strategy ({@link ConcatMerge}, {@link ComposeMerge},
 * {@link CopyMerge}) takes it
 * one transition at a time to a verified file under its final name; the manifest follows and the staging
 * directory goes. A crash between any two steps leaves a state the strategy recognises ({@link
 * MergeMethod#whereItStopped}), and a rerun completes it, byte-identical, with nothing lost and no re-export; a
 * rerun after success does nothing.
 */
public final class Merger {

  private static final Logger LOG = LogManager.getLogger(Merger.class);

  private final Configuration conf;
  private final MergeSettings settings;
  private final Path exportDir;
  private final Path finalPath;
  private final FsPermission permission;
  private final Evaluation evaluation;
  private final MergeStep.Listener listener;
  private final Lineage lineage;
  private final StringBuilder timings = new StringBuilder();
  private long started;
  private long lastStep;

  public Merger(Configuration conf, MergeSettings settings, MergeStep.Listener listener) {
    this(conf, settings, listener, null, null);
  }

  /**
   * {@code lineage}: what the CSV was made from, {@code evaluation}: the run's holdout metrics and gate, both
   * recorded in its manifest (null where there are none: benchmarks, a run not evaluated).
   */
  public Merger(Configuration conf, MergeSettings settings, MergeStep.Listener listener, Lineage lineage,
      Evaluation evaluation) {
    this.conf = conf;
    this.settings = settings;
    this.lineage = lineage;
    this.evaluation = evaluation;
    this.exportDir = new Path(settings.exportDir());
    this.finalPath = new Path(settings.output());
    // No merge.permission: what the file system's umask gives a new file, however the file was written (the local
    // copy writes through java.nio, which knows only the process's umask; the launcher makes the two the same).
    this.permission = settings.permission() != null ? settings.permission()
        : FsPermission.getFileDefault().applyUMask(FsPermission.getUMask(conf));
    this.listener = listener;
  }

  /** Merges (or resumes an interrupted merge) and returns the published manifest. */
  public CsvManifest merge() throws IOException {
    started = System.nanoTime();
    lastStep = started;
    timings.setLength(0);
    FileSystem fs = MergeClient.open(finalPath, conf);
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
    PublishGuard.requireInsideRoot(fs, target, new Path(settings.outputRoot()));
    Path staging = new Path(target.getParent(), "." + target.getName() + ".merging");
    try {
      Path manifestFile = new Path(exportDir, ExportManifest.FILE);
      FileSystem exportFs = MergeClient.of(exportDir, fs, conf);
      Journal interrupted = Journal.toResume(fs, staging, target, exportFs, manifestFile);
      if (interrupted != null) {
        MergeRun run = run(fs, interrupted, staging, target, true);
        MergeMethod method = MergeMethod.of(interrupted.strategy(), conf);
        return advance(method, run, method.whereItStopped(run), null);
      }
      ExportManifest manifest = ExportManifest.read(exportFs, manifestFile);
      boolean targetExists = fs.exists(target);
      CsvManifest published = targetExists ? CsvManifest.readIfExists(fs, target) : null;
      if (published != null && published.exportId().equals(manifest.exportId())
          && fs.getFileStatus(target).getLen() == published.bytes()) {
        LOG.info("{} is already published from export {}; nothing to do", target, manifest.exportId());
        return published;
      }
      PublishGuard.requireReplaceable(target, targetExists, settings.overwrite(), "");
      Path partsDir = new Path(exportDir, ExportManifest.PARTS_DIR);
      FileSystem partsFs = MergeClient.of(partsDir, fs, conf);
      MergeClient.Choice choice = MergeClient.choose(settings.strategy(), partsFs, fs, partsDir, finalPath,
          manifest.headerInFirstPart());
      Strategy chosen = choice.strategy();
      Journal journal = MergePlanner.plan(partsFs, manifest, partsFs.makeQualified(partsDir), target, choice);
      if (chosen == Strategy.CONCAT) {
        MergeClient.checkBlockLimit(journal, settings.maxBlocksPerFile(), conf);
      }
      fs.delete(staging, true);
      if (!fs.mkdirs(staging)) {
        throw new IOException("cannot create staging directory " + staging);
      }
      MergeRun run = run(fs, journal, staging, target, false);
      MergeMethod method = MergeMethod.of(chosen, conf);
      CsvManifest staged = stage(method, run);
      step(MergeStep.PLANNED);
      return advance(method, run, MergeStep.PLANNED, staged);
    } catch (AccessControlException e) {
      throw new UserError("permission denied: " + e.getMessage(), e);
    }
  }

  private MergeRun run(FileSystem fs, Journal journal, Path staging, Path target, boolean resumed) {
    return new MergeRun(fs, journal, staging, target, permission, settings.checksum(), settings.sync(),
        settings.overwrite(), settings.parallelCopies(), listener, resumed);
  }

  /**
   * Everything a merge needs before it moves anything, done at once: the journal, the manifest and what the
   * strategy stages (concat: the header, the parts' checksums). On HDFS each small file's close waits for the
   * DataNode's block report and each checksum is a DataNode round trip: in a row they would
   * add up, together they cost about the slowest one. The journal is what makes the rest count: a rerun that
   * finds it does not trust the other files (the crash may have cut them short). If anything here fails, nothing
   * was moved yet, so the staging directory goes and the export is as it was. Returns the staged manifest.
   */
  private CsvManifest stage(MergeMethod method, MergeRun run) throws IOException {
    CsvManifest manifest = CsvManifest.of(run.journal, expected(run.journal.strategy()), lineage, evaluation);
    List<Concurrently.Task> tasks = new ArrayList<>();
    tasks.add(() -> run.journal.write(run.fs, run.staging));
    tasks.add(() -> manifest.write(run.fs, new Path(run.staging, MergeRun.STAGED_MANIFEST), permission));
    tasks.addAll(method.stage(run));
    try {
      Concurrently.run(tasks);
    } catch (IOException | RuntimeException e) {
      run.fs.delete(run.staging, true);
      throw e;
    }
    return manifest;
  }

  /** The verification a first attempt expects, so that the manifest can be staged before it is known. */
  private Verification expected(Strategy strategy) {
    return switch (strategy) {
      case COPY -> Verification.COPY_CRC;
      case COMPOSE -> Verification.PARTS_MD5;  // S3's ETags of whole-part copies: free, whatever merge.checksum
      default -> settings.checksum() == ChecksumMode.VERIFY ? Verification.PARTS_CRC : Verification.LENGTH_ONLY;
    };
  }

  /**
   * The state machine: one transition at a time, from {@code from} until the staging directory is gone. Should the
   * NameNode refuse concat for what recsv cannot arrange, the parts are copied instead (merge.strategy = auto).
   */
  private CsvManifest advance(MergeMethod method, MergeRun run, MergeStep from, CsvManifest staged)
      throws IOException {
    MergeStep at = from;
    CsvManifest manifest = null;
    while (at != MergeStep.CLEANED) {
      switch (at) {
        case PUBLISHED -> {
          manifest = publishManifest(run, staged);
          at = MergeStep.MANIFEST_WRITTEN;
        }
        case MANIFEST_WRITTEN -> {
          run.fs.delete(run.staging, true);
          at = MergeStep.CLEANED;
        }
        default -> {
          try {
            at = method.next(at, run);
          } catch (ConcatMerge.Refused refused) {
            run = copyInstead(run, refused);
            method = MergeMethod.of(Strategy.COPY, conf);
            staged = null;  // it says concat: the manifest is made anew
            at = MergeStep.PLANNED;
          }
        }
      }
      step(at);
    }
    Journal journal = run.journal;
    LOG.info(String.format("merge: %s %,d rows, %,d bytes from %d parts by %s in %.3f s (%s)", run.target,
        journal.rows(), journal.expectedBytes(), journal.parts().size(), journal.strategy().id(),
        (System.nanoTime() - started) / 1e9, timings));
    return manifest;
  }

  /**
   * The run from here on by the verified copy of the staged parts, its journal saying so (a crash now resumes the
   * copy); refused instead when merge.strategy = concat asked for concat alone.
   */
  private MergeRun copyInstead(MergeRun run, ConcatMerge.Refused refused) throws IOException {
    if (settings.strategy() == Strategy.CONCAT) {
      throw new UserError("merge.strategy = concat, but the NameNode refused it: " + refused.getMessage() + ";"
          + " nothing was published; use merge.strategy = auto to merge by the verified copy instead");
    }
    LOG.warn("merge: the NameNode refused concat ({}); merging by the verified copy instead", refused.getMessage());
    Journal journal = run.journal.copiedFrom(run.stagedParts(), "the NameNode refused concat: "
        + refused.getMessage());
    journal.write(run.fs, run.staging);
    return run(run.fs, journal, run.staging, run.target, false);
  }

  /** The manifest beside the published CSV: the staged one if it says how the file was verified, else a new one. */
  private CsvManifest publishManifest(MergeRun run, CsvManifest staged) throws IOException {
    run.checkLength(run.target, MergeRun.PUBLISHED_MISMATCH);
    if (staged != null && run.verification == expected(run.journal.strategy())) {
      Renames.replace(run.fs, new Path(run.staging, MergeRun.STAGED_MANIFEST), CsvManifest.pathFor(run.target));
      return staged;
    }
    CsvManifest manifest = CsvManifest.of(run.journal, run.verification, lineage, evaluation);
    manifest.publish(run.fs, run.target, permission);
    return manifest;
  }

  /** Records the step's time for the summary line, then lets the listener see it. */
  private void step(MergeStep step) throws IOException {
    long now = System.nanoTime();
    timings.append(timings.length() == 0 ? "" : ", ").append(step.name().toLowerCase())
        .append(String.format(" %.3f s", (now - lastStep) / 1e9));
    lastStep = now;
    listener.reached(step);
  }
}
