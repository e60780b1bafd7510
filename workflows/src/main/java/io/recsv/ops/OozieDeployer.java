package io.recsv.ops;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Uploads the Oozie application. {@link #deployRelease} writes an immutable release ({@link Releases}) that a
 * coordinator is pinned to; {@link #deploy} replaces an application directory in place (written beside it,
 * swapped in by two renames): a week already running would read its remaining actions' jar and files from the
 * new one, which is why coordinators run on releases.
 */
public final class OozieDeployer {

  private final Configuration conf;

  public OozieDeployer(Configuration conf) {
    this.conf = conf;
  }

  /** Writes a new release at {@code releaseDir}; a release is never written twice. */
  public void deployRelease(List<OozieApp.Entry> entries, Path releaseDir) throws IOException {
    FileSystem fs = releaseDir.getFileSystem(conf);
    if (fs.exists(releaseDir)) {
      throw new IllegalArgumentException("release " + releaseDir + " exists already; releases are never rewritten:"
          + " deploy under another version");
    }
    deploy(entries, releaseDir);
  }

  public void deploy(List<OozieApp.Entry> entries, Path appPath) throws IOException {
    FileSystem fs = appPath.getFileSystem(conf);
    Path staging = new Path(appPath.getParent(), "." + appPath.getName() + ".deploying");
    Path previous = new Path(appPath.getParent(), "." + appPath.getName() + ".previous");
    fs.delete(staging, true);
    for (OozieApp.Entry entry : entries) {
      fs.copyFromLocalFile(false, true, new Path(entry.source().toUri()), new Path(staging, entry.target()));
    }
    fs.delete(previous, true);
    if (fs.exists(appPath) && !fs.rename(appPath, previous)) {
      throw new IOException("cannot move the current application " + appPath + " aside to " + previous);
    }
    if (!fs.rename(staging, appPath)) {
      throw new IOException("cannot rename " + staging + " to " + appPath);
    }
    fs.delete(previous, true);
  }
}
