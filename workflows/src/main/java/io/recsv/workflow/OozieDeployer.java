package io.recsv.workflow;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Uploads the Oozie application directory. The new version is written next to the old one and swapped in
 * by rename, so a coordinator that materialises a run mid-deploy sees the old or the new app, never a mix.
 */
public final class OozieDeployer {

  private final Configuration conf;

  public OozieDeployer(Configuration conf) {
    this.conf = conf;
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
