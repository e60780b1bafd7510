package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.config.UserError;
import io.recsv.config.UserPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * The config of a run that exists, for the commands that look at one ({@code show}, {@code report}): --work and
 * --run-id (by default the only run under --work), --env, --config and -D as {@code run} takes them.
 */
final class ExistingRun {

  private ExistingRun() {}

  static Config config(Path home, RunOptions run, ConfigOptions config) throws IOException {
    return configs(home, run, config, StageName.SCORE).of(StageName.SCORE);
  }

  /** The run's configs, the default run being the only one with an output of {@code stage}. */
  static LocalPipeline.Configs configs(Path home, RunOptions run, ConfigOptions config, StageName stage)
      throws IOException {
    List<String> overrides = new ArrayList<>();
    overrides.add(run.root());
    overrides.add("run.id=" + (run.runId != null ? run.runId : onlyRun(run.work, stage)));
    overrides.addAll(config.overrides());
    return new LocalPipeline(home).configs(run.env("local"), config.files, overrides);
  }

  /** The one run under {@code work} with an output of {@code stage}; an error naming them when there are several. */
  private static String onlyRun(String work, StageName stage) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(UserPaths.absolute(work));
    FileSystem fs = root.getFileSystem(new Configuration());
    List<String> runs = new ArrayList<>();
    if (fs.exists(root)) {
      for (FileStatus s : fs.listStatus(root)) {
        if (s.isDirectory() && fs.exists(new org.apache.hadoop.fs.Path(s.getPath(), stage.id()))) {
          runs.add(s.getPath().getName());
        }
      }
    }
    if (runs.size() != 1) {
      throw new UserError((runs.isEmpty() ? "no run with a " + stage + " output under " + root
          : "several runs under " + root + " (" + String.join(", ", runs.stream().sorted().toList()) + ")")
          + "; name one with --run-id (and --work), or read a CSV with --csv");
    }
    return runs.get(0);
  }
}
