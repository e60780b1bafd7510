package io.recsv.cli;

import io.recsv.run.StageRunner;
import io.recsv.workflow.StageName;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A {@code recsv} command: picocli parses its options into its fields (and writes its help from them);
 * {@link Main} then calls it. It prints to {@code out}, and finds the installation's config and workflow under
 * {@code home}.
 */
abstract class RecsvCommand implements Callable<Integer> {

  @Mixin
  LogOptions log;

  @Option(names = {"-h", "--help"}, usageHelp = true, order = 103, description = "this help")
  boolean help;

  final PrintStream out;
  final Path home;

  RecsvCommand(PrintStream out, Path home) {
    this.out = out;
    this.home = home;
  }

  /** The user's -D overrides, then (last, so that it wins) what --quiet implies: no progress, Spark's errors only. */
  List<String> userOverrides(ConfigOptions config) {
    List<String> list = new ArrayList<>(config.overrides());
    if (log.quiet) {
      list.addAll(List.of("run.progress-every=0", "spark.log-level=ERROR"));
    }
    return list;
  }

  /** The stages' progress, a line as each starts and ends; none with --quiet. */
  StageRunner.Listener progress() {
    return new StageRunner.Listener() {
      @Override
      public void starting(StageName stage) {
        if (!log.quiet) {
          out.printf("[%s] running...%n", stage);
        }
      }

      @Override
      public void finished(StageName stage, String summary, double seconds) {
        if (!log.quiet) {
          out.printf("[%s] done in %.1f s: %s%n", stage, seconds, summary);
        }
      }
    };
  }
}
