package io.recsv.cli;

import io.recsv.config.UserError;
import io.recsv.workflow.StageName;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code recsv stage STAGE}: one stage alone, on the earlier stages' outputs of the same run. */
@Command(name = "stage", header = "run one stage alone: recsv stage STAGE [options]",
    description = "Runs one stage (prepare, train, score, evaluate, export or merge) alone, on the outputs of the"
        + " earlier stages of the same --work and --run-id: for debugging a stage on a laptop.")
final class StageCommand extends RecsvCommand {

  @Parameters(paramLabel = "STAGE", arity = "0..1", description = "the stage to run")
  String stageName;

  @Option(names = "--input", paramLabel = "PATH", description = "prepare's input (prepare.input)")
  String input;

  @Option(names = "--output", paramLabel = "FILE", description = "merge's CSV (merge.output)")
  String output;

  @Mixin
  MasterOptions master;

  @Mixin
  RunOptions run;

  @Mixin
  ConfigOptions config;

  StageCommand(PrintStream out, Path home) {
    super(out, home);
  }

  @Override
  public Integer call() throws Exception {
    if (stageName == null) {
      throw new UserError("stage: name one stage, e.g. recsv stage score (see recsv stage --help)");
    }
    LocalPipeline pipeline = new LocalPipeline(home);
    List<String> overrides = new ArrayList<>(run.overrides(input, output));
    overrides.addAll(master.overrides());
    overrides.addAll(userOverrides(config));
    LocalPipeline.Configs configs = pipeline.configs(run.env(master.defaultEnv()), config.files, overrides);
    StageName stage = pipeline.stagesFrom(stageName).get(0);  // a stage the workflow runs
    if (master.isYarn()) {
      new YarnPipeline(home, out, System.err).run(List.of(stage), configs, master, config.files, userOverrides(config), output,
          false);
      return 0;
    }
    pipeline.run(pipeline.runner(List.of(stage), configs, "recsv stage " + stage, false), configs.run(),
        progress());
    return 0;
  }
}
