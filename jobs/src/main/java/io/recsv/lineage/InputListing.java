package io.recsv.lineage;

import io.recsv.config.UserError;
import io.recsv.fs.FileTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files an input path (a file, a directory or a glob) stands for, as Spark reads them (names starting with
 * {@code _} or {@code .} are skipped), with their sizes and modification times: the input's identity in a
 * lineage record. Listing costs a NameNode call or a few per directory; nothing is read.
 */
public final class InputListing {

  /** Files kept in the record by name; beyond that, the count, bytes and fingerprint still cover all of them. */
  private static final int LISTED = 1000;

  private InputListing() {}

  /** The files of {@code input}; an input that matches nothing, or only empty files, is a clear error. */
  public static Lineage.InputFiles list(Configuration conf, String key, String input) throws IOException {
    Path path = new Path(input);
    List<FileStatus> statuses = statuses(path.getFileSystem(conf), path);
    if (statuses == null) {
      throw new UserError(key + " " + input + " does not exist");
    }
    List<Lineage.InputFile> files = new ArrayList<>(statuses.stream().map(InputListing::file).toList());
    files.sort(Comparator.comparing(Lineage.InputFile::path));
    long bytes = files.stream().mapToLong(Lineage.InputFile::bytes).sum();
    if (bytes == 0) {
      throw new UserError(key + " " + input + " is empty (" + files.size() + " file" + (files.size() == 1 ? "" : "s")
          + ", 0 bytes)");
    }
    return new Lineage.InputFiles(input, files.size(), bytes, fingerprint(files),
        files.size() > LISTED ? files.subList(0, LISTED) : files);
  }

  /**
   * The files {@code input} (a file, a directory or a glob) stands for, in no order; null when it matches nothing.
   */
  public static List<FileStatus> statuses(FileSystem fs, Path input) throws IOException {
    FileStatus[] matches = fs.globStatus(input);
    if (matches == null || matches.length == 0) {
      return null;
    }
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus match : matches) {
      if (match.isFile()) {
        files.add(match);
      } else {
        files.addAll(FileTree.files(fs, match.getPath(), FileTree.Names.VISIBLE));
      }
    }
    return files;
  }

  private static Lineage.InputFile file(FileStatus s) {
    return new Lineage.InputFile(s.getPath().toString(), s.getLen(), s.getModificationTime());
  }

  private static String fingerprint(List<Lineage.InputFile> files) {
    return Lineage.sha256(files.stream().map(f -> f.path() + "\t" + f.bytes() + "\t" + f.modified()).toList(), 16);
  }
}
