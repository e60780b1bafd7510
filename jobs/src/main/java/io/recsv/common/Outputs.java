package io.recsv.common;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A stage's output directory appears only complete. The stage writes into a sibling
 * {@code <dir>._writing}; {@link #publish} then swaps it in by rename. A stage that dies leaves the previous
 * output (or none) in place, never a half-written one that the next stage would read.
 */
public final class Outputs {

  private Outputs() {}

  /** A fresh, empty directory to write {@code dir}'s next version into. */
  public static Path begin(Configuration conf, String dir) throws IOException {
    Path target = new Path(dir);
    Path writing = writing(target);
    FileSystem fs = writing.getFileSystem(conf);
    fs.delete(writing, true);
    if (!fs.mkdirs(writing)) {
      throw new IOException("cannot create " + writing);
    }
    return fs.makeQualified(writing);
  }

  /** Replaces {@code dir} with what was written since {@link #begin}. */
  public static void publish(Configuration conf, String dir) throws IOException {
    Path target = new Path(dir);
    Path writing = writing(target);
    FileSystem fs = target.getFileSystem(conf);
    if (fs.exists(target) && !fs.delete(target, true)) {
      throw new IOException("cannot remove the previous output " + target);
    }
    if (!fs.rename(writing, target)) {
      throw new IOException("cannot rename " + writing + " to " + target);
    }
  }

  /** Removes what was written since {@link #begin}, after a failure; the previous output stays. */
  public static void abandon(Configuration conf, String dir) throws IOException {
    Path writing = writing(new Path(dir));
    writing.getFileSystem(conf).delete(writing, true);
  }

  /** Fails with the stage that should have produced {@code dir} when it is missing. */
  public static Path require(Configuration conf, String dir, String producedBy) throws IOException {
    Path path = new Path(dir);
    if (!path.getFileSystem(conf).exists(path)) {
      throw new UserError(path + " does not exist: run the '" + producedBy + "' stage of this run first"
          + " (same run.root and run.id)");
    }
    return path;
  }

  private static Path writing(Path target) {
    return new Path(target.getParent(), target.getName() + "._writing");
  }
}
