package io.recsv.lineage;

import io.recsv.config.UserError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files an input path (a file, a directory or a glob) stands for, as Spark reads them (names starting with
 * {@code _} or {@code .} are skipped), with their sizes and modification times: the input's identity in a
 * lineage record. Listing costs one or a few NameNode calls, nothing is read.
 */
public final class InputListing {

  /** Files kept in the record by name; beyond that, the count, bytes and fingerprint still cover all of them. */
  private static final int LISTED = 1000;

  private InputListing() {}

  /** The files of {@code input}; an input that matches nothing, or only empty files, is a clear error. */
  public static Lineage.InputFiles list(Configuration conf, String key, String input) throws IOException {
    Path path = new Path(input);
    FileSystem fs = path.getFileSystem(conf);
    FileStatus[] matches = fs.globStatus(path);
    if (matches == null || matches.length == 0) {
      throw new UserError(key + " " + input + " does not exist");
    }
    List<Lineage.InputFile> files = new ArrayList<>();
    for (FileStatus match : matches) {
      if (match.isFile()) {
        files.add(file(match));
        continue;
      }
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(match.getPath(), true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        if (!hidden(match.getPath(), f.getPath())) {
          files.add(file(f));
        }
      }
    }
    files.sort(Comparator.comparing(Lineage.InputFile::path));
    long bytes = files.stream().mapToLong(Lineage.InputFile::bytes).sum();
    if (bytes == 0) {
      throw new UserError(key + " " + input + " is empty (" + files.size() + " file" + (files.size() == 1 ? "" : "s")
          + ", 0 bytes)");
    }
    return new Lineage.InputFiles(input, files.size(), bytes, fingerprint(files),
        files.size() > LISTED ? files.subList(0, LISTED) : files);
  }

  private static Lineage.InputFile file(FileStatus s) {
    return new Lineage.InputFile(s.getPath().toString(), s.getLen(), s.getModificationTime());
  }

  /** A name below {@code root} that starts with _ or . (Spark and Hadoop's input formats skip those). */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root) && p.getParent() != null; p = p.getParent()) {
      if (p.getName().startsWith("_") || p.getName().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String fingerprint(List<Lineage.InputFile> files) {
    return Lineage.sha256(files.stream().map(f -> f.path() + "\t" + f.bytes() + "\t" + f.modified()).toList(), 16);
  }
}
