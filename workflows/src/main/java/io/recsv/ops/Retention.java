package io.recsv.ops;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Keeps HDFS from filling up with past weeks: under the run root, each week's intermediates (model, scores,
 * export: several times the CSV); under the output root, each week's published CSV (80+ GiB). The newest
 * {@code keep} weeks of each stay.
 * <p>What it never deletes: anything but a directory named as a weekly run id ({@code yyyy-MM-dd}) directly
 * under its root (manual runs such as {@code demo} are left alone); a week of the last 7 days (the current
 * week, whatever the count); a week whose run lock exists (it may be running; a stale lock is the on-call's to
 * look at); a symbolic link.
 */
final class Retention {

  static final String LOCK = "_recsv.lock";

  /** A week's directory to delete, or kept, and why. */
  record Decision(Path dir, boolean delete, String why) {}

  private Retention() {}

  /**
   * Retention of both roots: lists each decision on {@code out}; deletes only when {@code apply}. The same for
   * {@code ./recsv oozie retention} and the retention action ({@link RetentionMain}).
   */
  static void run(org.apache.hadoop.conf.Configuration conf, String runRoot, String outputRoot, int keepWeeks,
      int keepCsvs, boolean apply, java.io.PrintStream out, LocalDate today) throws IOException {
    String[][] roots = {{"runRoot", runRoot, String.valueOf(keepWeeks)}, {"outputRoot", outputRoot,
        String.valueOf(keepCsvs)}};
    for (String[] root : roots) {
      Path rootPath = new Path(root[1]);
      FileSystem fs = rootPath.getFileSystem(conf);
      List<Decision> plan = plan(fs, rootPath, Integer.parseInt(root[2]), today);
      out.println(root[0] + " " + rootPath + ":");
      for (Decision d : plan) {
        out.println("  " + (d.delete() ? (apply ? "deleted " : "would delete ") : "keep    ")
            + d.dir().getName() + "  (" + d.why() + ")");
      }
      if (apply) {
        apply(fs, rootPath, plan);
      }
    }
    if (!apply) {
      out.println("dry run: nothing was deleted; add --apply to delete");
    }
  }

  /** What would be deleted under {@code root}, newest first, with the reason for each week kept. */
  static List<Decision> plan(FileSystem fs, Path root, int keep, LocalDate today) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least 1 week under " + root + ", got " + keep);
    }
    List<FileStatus> weeks = new ArrayList<>();
    if (!fs.exists(root)) {
      return List.of();
    }
    for (FileStatus status : fs.listStatus(root)) {
      if (week(status.getPath().getName()) != null) {
        weeks.add(status);
      }
    }
    weeks.sort(Comparator.comparing((FileStatus s) -> week(s.getPath().getName())).reversed());
    List<Decision> decisions = new ArrayList<>();
    for (int i = 0; i < weeks.size(); i++) {
      FileStatus status = weeks.get(i);
      Path dir = status.getPath();
      LocalDate date = week(dir.getName());
      if (i < keep) {
        decisions.add(new Decision(dir, false, "one of the newest " + keep));
      } else if (!date.isBefore(today.minusDays(7))) {
        decisions.add(new Decision(dir, false, "the current week"));
      } else if (isLink(fs, dir) || !status.isDirectory()) {
        decisions.add(new Decision(dir, false, "not a directory of its own"));
      } else if (fs.exists(new Path(dir, LOCK))) {
        decisions.add(new Decision(dir, false, "its run lock exists (running, or a stale lock to look at)"));
      } else {
        decisions.add(new Decision(dir, true, "older than the newest " + keep));
      }
    }
    return decisions;
  }

  /** Deletes what {@code plan} chose, each checked again to be a child of {@code root}. */
  static void apply(FileSystem fs, Path root, List<Decision> plan) throws IOException {
    Path qualifiedRoot = fs.makeQualified(root);
    for (Decision d : plan) {
      if (!d.delete()) {
        continue;
      }
      Path dir = fs.makeQualified(d.dir());
      if (!qualifiedRoot.equals(dir.getParent())) {
        throw new IllegalStateException(dir + " is not directly under " + qualifiedRoot);
      }
      if (!fs.delete(dir, true)) {
        throw new IOException("cannot delete " + dir);
      }
    }
  }

  /**
   * Hadoop's local file system reports links only when symlinks are enabled process-wide; ask java.nio there.
   */
  private static boolean isLink(FileSystem fs, Path dir) throws IOException {
    Path qualified = fs.makeQualified(dir);
    if ("file".equals(qualified.toUri().getScheme())) {
      return java.nio.file.Files.isSymbolicLink(java.nio.file.Path.of(qualified.toUri()));
    }
    return fs.getFileLinkStatus(dir).isSymlink();
  }

  private static LocalDate week(String name) {
    if (!name.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return null;
    }
    try {
      return LocalDate.parse(name);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
