package io.recsv.lineage;

import io.recsv.fs.HadoopConf;
import io.recsv.fs.PathGuard;

import io.recsv.config.UserError;
import io.recsv.workflow.StageName;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A stage's output directory appears only complete. The stage writes into a sibling {@code <dir>._writing};
 * {@link #publish} writes the lineage record into it and swaps it in by rename. A stage that dies leaves the
 * previous output (or none) in place, never a half-written one that the next stage would read.
 * <p>Both directories must lie, symbolic links resolved, inside the run's directory: replacing an output deletes
 * the previous one recursively, and that must never reach anything but this run's own data.
 */
public final class StageOutput {

  private final FileSystem fs;
  private final Path target;
  private final Path writing;
  private final Path runDir;

  private StageOutput(FileSystem fs, Path target, Path runDir) {
    this.fs = fs;
    this.target = target;
    this.writing = new Path(target.getParent(), target.getName() + "._writing");
    this.runDir = runDir;
  }

  /** A fresh, empty directory to write {@code stage}'s next output into. */
  public static StageOutput begin(Configuration conf, RunLayout layout, StageName stage) throws IOException {
    Path target = layout.stageDir(stage);
    FileSystem fs = target.getFileSystem(conf);
    StageOutput out = new StageOutput(fs, fs.makeQualified(target), fs.makeQualified(layout.runDir()));
    out.delete(out.writing);
    if (!fs.mkdirs(out.writing)) {
      throw new UserError("cannot create " + out.writing);
    }
    return out;
  }

  /** Where to write (qualified). */
  public Path path() {
    return writing;
  }

  /**
   * Replaces the stage's directory with what was written, recording in it {@code lineage} and the files it holds
   * (names and lengths), which every reader checks before it uses them.
   */
  public void publish(Lineage lineage) throws IOException {
    publish(lineage, List.of());
  }

  /**
   * {@link #publish(Lineage)}, but the files under the subdirectories {@code manifested} are named by a manifest
   * of the stage's own, which their reader checks (export's parts), not by the lineage record.
   */
  public void publish(Lineage lineage, List<String> manifested) throws IOException {
    lineage.withFiles(Lineage.listFiles(fs, writing, manifested), manifested)
        .write(HadoopConf.forWriting(writing, fs.getConf()), writing);
    delete(target);
    if (!fs.rename(writing, target)) {
      throw new IOException("cannot rename " + writing + " to " + target);
    }
  }

  /** Removes what was written, after a failure; the previous output stays. */
  public void abandon() throws IOException {
    delete(writing);
  }

  private void delete(Path dir) throws IOException {
    try {
      if (fs.getFileLinkStatus(dir).isSymlink()) {
        throw new UserError(dir + " is a symbolic link; a stage's output must be a directory of the run");
      }
    } catch (java.io.FileNotFoundException e) {
      return;
    }
    PathGuard.requireInside(fs, dir, runDir, "stage output", "the run's directory");
    if (!fs.delete(dir, true)) {
      throw new IOException("cannot remove " + dir);
    }
  }
}
