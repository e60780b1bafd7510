package io.recsv.run;

import io.recsv.lineage.InputListing;
import io.recsv.lineage.PublishGuard;

import io.recsv.fs.HadoopConf;
import io.recsv.fs.IoErrors;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.Lineage;

import io.recsv.config.UserError;
import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.UUID;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The checks a run makes before it computes anything; each failure names the path or key and says what to do. */
public final class Preflight {

  private Preflight() {}

  /**
   * The published CSV's place: inside merge.output-root with links resolved, not a directory, absent unless
   * merge.overwrite (when {@code refuseExisting}), and its directory writable (a probe file).
   */
  static void publishable(Configuration conf, RunLayout layout, boolean refuseExisting) throws IOException {
    Path csv = layout.published();
    FileSystem fs = HadoopConf.forWriting(csv, conf);
    Path real = PublishGuard.requireInsideRoot(fs, csv, layout.outputRoot());
    FileStatus status = statusOrNull(fs, real);
    if (status != null && status.isDirectory()) {
      throw new UserError("merge.output " + csv + " is a directory; it must name the CSV file to publish");
    }
    if (refuseExisting) {
      PublishGuard.requireReplaceable(csv, status != null, layout.overwrite(), " (refused before any stage ran)");
    }
    Path dir = real.getParent();
    while (dir.getParent() != null && statusOrNull(fs, dir) == null) {
      dir = dir.getParent();
    }
    probeWritable(fs, dir, "the output directory of merge.output " + csv);
  }

  /** A name of a file or directory: at most this many bytes on ext4, xfs and HDFS (its default limit). */
  static final int MAX_NAME_BYTES = 255;

  /**
   * Every name of the run's paths fits a file system's limit, with what is written beside it under a longer
   * name: found before the run's directory is created, not after every stage ran.
   */
  static void requireNamesThatFit(RunLayout layout) {
    requireNamesThatFit("run.root", layout.runDir(), "", "");
    layout.stageDirs().forEach((stage, dir) -> requireNamesThatFit("the '" + stage + "' output", dir, "._writing",
        "the stage writes it under that name first"));
    requireNamesThatFit("merge.output", layout.published(), ".manifest.json", "the CSV's manifest is named after it");
  }

  private static void requireNamesThatFit(String what, Path path, String longerBy, String why) {
    for (Path p = path; p != null && !p.isRoot(); p = p.getParent()) {
      int room = p == path ? MAX_NAME_BYTES - longerBy.length() : MAX_NAME_BYTES;
      int bytes = p.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > room) {
        throw new UserError(what + " " + path + ": the name '" + p.getName() + "' is " + bytes + " bytes; a file"
            + " system takes at most " + MAX_NAME_BYTES + (room < MAX_NAME_BYTES ? ", and " + why + " ('"
            + longerBy + "' more): at most " + room : "") + " (refused before any stage ran)");
      }
    }
  }

  private static void probeWritable(FileSystem fs, Path dir, String what) throws IOException {
    Path probe = new Path(dir, ".recsv-probe-" + UUID.randomUUID());
    try {
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      throw new UserError("cannot write to " + what + ": " + IoErrors.describe(e, dir), e);
    }
  }

  private static FileStatus statusOrNull(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /**
   * For {@code run --from}: every output reused was made with the settings of its stage as they are now, and
   * prepare's from the same input files; else the CSV would not be what today's config says.
   */
  static void madeWithTodaysSettings(Configuration conf, Function<StageName, Config> configOf, List<Lineage> reused)
      throws IOException {
    // Each earlier stage once: the inputs chain (checked before this), so a stage reached through two inputs
    // (prepare, through train and directly) is one output, and its input files are listed once.
    Map<StageName, Lineage> byStage = new LinkedHashMap<>();
    for (Lineage input : reused) {
      input.byStage().forEach(byStage::putIfAbsent);
    }
    for (Lineage l : byStage.values()) {
      SortedMap<String, String> now = Lineage.settingsOf(configOf.apply(l.stageName()), l.stageName());
      List<String> changed = new ArrayList<>();
      for (Map.Entry<String, String> e : now.entrySet()) {
        String then = l.config().get(e.getKey());
        if (!Objects.equals(then, e.getValue())) {
          changed.add(e.getKey() + " was '" + then + "', is now '" + e.getValue() + "'");
        }
      }
      if (!changed.isEmpty()) {
        throw new UserError("the " + l.describe() + " that this run would reuse was made with other settings: "
            + String.join("; ", changed) + ". Rerun from '" + l.stage() + "' to apply them");
      }
      if (l.input() != null) {
        Lineage.InputFiles today = InputListing.list(conf, "prepare.input", l.input().path());
        if (!today.fingerprint().equals(l.input().fingerprint())) {
          throw new UserError("the input " + l.input().path() + " changed since the " + l.describe()
              + " was made (" + l.input().files() + " files, " + l.input().bytes() + " bytes then; "
              + today.files() + " files, " + today.bytes() + " bytes now, or newer files). Rerun from 'prepare'");
        }
      }
    }
  }
}
