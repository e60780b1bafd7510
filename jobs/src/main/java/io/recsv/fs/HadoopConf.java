package io.recsv.fs;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** Hadoop file systems as recsv writes them (tasks get the driver's configuration as Spark's SerializableConfiguration). */
public final class HadoopConf {

  private HadoopConf() {}

  /**
   * The file system to write {@code path} with. On the local file system that is the raw one: the checksummed
   * wrapper would leave {@code .crc} files beside every part and the published CSV.
   */
  public static FileSystem forWriting(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }
}
