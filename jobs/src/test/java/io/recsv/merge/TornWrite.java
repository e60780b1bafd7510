package io.recsv.merge;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A merge in a process of its own that dies in the middle of writing one file, as a killed container does: the
 * first bytes of the file reach the disk, the rest never do. Args: export dir, output CSV, output root (all on the
 * local disk), the name of the file to tear. The merge runs on {@code torn://} paths, the local file system that
 * halts the process after 40 bytes of a file of that name.
 */
public final class TornWrite {

  private TornWrite() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    conf.setClass("fs.torn.impl", TornFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs.torn.impl.disable.cache", true);
    conf.set(TornFileSystem.TEAR, args[3]);
    MergeSettings settings = new MergeSettings("torn://" + args[0], "torn://" + args[1], "torn://" + args[2],
        Strategy.AUTO, false, FsPermission.getFileDefault(), 0);
    new Merger(conf, settings, MergeStep.Listener.NONE).merge();
    System.exit(0);  // the file was never written: the test fails on this exit code
  }

  /** The local file system under another scheme, halting the JVM part way into writing the file named TEAR. */
  public static final class TornFileSystem extends RawLocalFileSystem {
    static final String TEAR = "recsv.test.tear";

    @Override
    public URI getUri() {
      return URI.create("torn:///");
    }

    @Override
    public String getScheme() {
      return "torn";
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
        short replication, long blockSize, Progressable progress) throws IOException {
      return tearing(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
        Progressable progress) throws IOException {
      return tearing(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    private FSDataOutputStream tearing(Path f, FSDataOutputStream out) {
      if (!f.getName().equals(getConf().get(TEAR))) {
        return out;
      }
      return new FSDataOutputStream(new FilterOutputStream(out) {
        private int written;

        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          int room = Math.max(0, 40 - written);
          out.write(b, off, Math.min(room, len));
          written += Math.min(room, len);
          if (written >= 40) {
            out.flush();
            ((FSDataOutputStream) out).hsync();
            Runtime.getRuntime().halt(137);
          }
        }
      }, null);
    }
  }
}
