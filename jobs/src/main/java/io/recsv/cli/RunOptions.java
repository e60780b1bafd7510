package io.recsv.cli;

import io.recsv.config.UserPaths;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which run a command works on: where the runs' intermediates are, the run's id and the environment's config. */
final class RunOptions {

  @Option(names = "--work", paramLabel = "DIR", defaultValue = "recsv-work",
      description = "where the runs' intermediates go (run.root), default ./${DEFAULT-VALUE}")
  String work;

  @Option(names = "--run-id", paramLabel = "ID", description = "the run's id (run.id)")
  String runId;

  @Option(names = "--env", paramLabel = "NAME",
      description = "config/env/NAME.conf, default local (cluster with --master yarn)")
  String env;

  /** run.root, as a config override: absolute, so a stage started elsewhere finds the same directory. */
  String root() {
    return "run.root=" + UserPaths.absolute(work);
  }

  /**
   * --work, --run-id and the given --input and --output as config overrides (before the user's -D, which wins).
   * Each may be a Hadoop URI (hdfs://...) or a local path.
   */
  List<String> overrides(String input, String output) {
    List<String> list = new ArrayList<>();
    list.add(root());
    if (runId != null) {
      list.add("run.id=" + runId);
    }
    if (input != null) {
      list.add("prepare.input=" + UserPaths.absolute(input));
    }
    if (output != null) {
      list.add("merge.output=" + UserPaths.absolute(output));
      list.add("merge.output-root=" + UserPaths.parent(output));
    }
    return list;
  }

  /** The environment asked for, else {@code fallback}. */
  String env(String fallback) {
    return env != null ? env : fallback;
  }
}
