package io.recsv.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/** Atomic renames, on each kind of file system. */
public final class Renames {

  private Renames() {}

  public static void replace(FileSystem fs, Path source, Path target) throws IOException {
    if (fs instanceof RawLocalFileSystem local) {
      // rename(2): atomic, replaces the target.
      Files.move(local.pathToFile(source).toPath(), local.pathToFile(target).toPath(),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else if (fs instanceof DistributedFileSystem hdfs) {
      // HDFS: one NameNode operation, atomic with OVERWRITE, on the caller's client (a FileContext would open
      // a client of its own for every rename).
      hdfs.rename(source, target, Options.Rename.OVERWRITE);
    } else {
      FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(source, target, Options.Rename.OVERWRITE);
    }
  }

  /** Renames to a path that does not exist yet; fails, naming both, if the file system refuses. */
  public static void move(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot move " + from + " to " + to);
    }
  }
}
