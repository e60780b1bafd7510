package io.recsv.fs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files below a directory, listed a directory at a time. Not Hadoop's {@code listFiles}: its located statuses
 * read each file's permissions, which the local file system does by starting a process per file when Hadoop's
 * native library is missing (docs/results.md has what that cost). On HDFS both cost a NameNode call or a few per
 * directory.
 */
public final class FileTree {

  /** Which files a listing keeps. */
  public enum Names {
    /** Every file. */
    ALL,
    /** Not those whose name, or a directory's on the way, starts with _ or . (as Spark and Hadoop read inputs). */
    VISIBLE
  }

  private FileTree() {}

  /** The files below {@code dir}, in no order. */
  public static List<FileStatus> files(FileSystem fs, Path dir, Names names) throws IOException {
    List<FileStatus> files = new ArrayList<>();
    walk(fs, dir, names, files);
    return files;
  }

  private static void walk(FileSystem fs, Path dir, Names names, List<FileStatus> files) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (names == Names.VISIBLE && (name.startsWith("_") || name.startsWith("."))) {
        continue;
      }
      if (s.isDirectory()) {
        walk(fs, s.getPath(), names, files);
      } else {
        files.add(s);
      }
    }
  }
}
