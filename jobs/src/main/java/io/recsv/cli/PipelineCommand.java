package io.recsv.cli;

import io.recsv.workflow.StageName;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run} and {@code stage}: stages of a run, on this machine's Spark or each a YARN application. */
abstract class PipelineCommand extends RecsvCommand {

  @Option(names = "--input", paramLabel = "PATH", description = "the interactions, prepare.input (CSV"
      + " user_id,product_id,weight with a header; see the prepare.* keys)")
  String input;

  @Option(names = "--output", paramLabel = "FILE", description = "the CSV to publish, merge.output (must not exist"
      + " unless -D merge.overwrite=true)")
  String output;

  @Mixin
  MasterOptions master;

  @Mixin
  RunOptions run;

  @Mixin
  ConfigOptions config;

  PipelineCommand(PrintStream out, Path home) {
    super(out, home);
  }

  /**
   * The run's configs: {@code defaults} first, then the paths and the master given, the user's -D and what --quiet
   * implies (a later one wins).
   */
  LocalPipeline.Configs configs(LocalPipeline pipeline, List<String> defaults) {
    List<String> overrides = new ArrayList<>(defaults);
    overrides.addAll(run.overrides(input, output));
    overrides.addAll(master.overrides());
    overrides.addAll(userOverrides(config));
    return pipeline.configs(run.env(master.defaultEnv()), config.files, overrides);
  }

  /** The stages, each a YARN application in cluster deploy mode; {@code gated}: the quality gate before export. */
  void runOnYarn(List<StageName> stages, LocalPipeline.Configs configs, boolean gated) throws Exception {
    new YarnPipeline(home, out, System.err).run(stages, configs, master, config.files, userOverrides(config), output,
        gated);
  }
}
