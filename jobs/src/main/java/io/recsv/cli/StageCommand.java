package io.recsv.cli;

import io.recsv.config.UserError;
import io.recsv.workflow.StageName;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code recsv stage STAGE}: one stage alone, on the earlier stages' outputs of the same run. */
@Command(name = "stage", header = "run one stage alone: recsv stage STAGE [options]",
    description = "Runs one stage (prepare, evaluate, train, score, export or merge) alone, on the outputs of the"
        + " earlier stages of the same --work and --run-id: for debugging a stage on a laptop.")
final class StageCommand extends PipelineCommand {

  @Parameters(paramLabel = "STAGE", arity = "0..1", description = "the stage to run")
  String stageName;

  StageCommand(PrintStream out, Path home) {
    super(out, home);
  }

  @Override
  public Integer call() throws Exception {
    if (stageName == null) {
      throw new UserError("stage: name one stage, e.g. recsv stage score (see recsv stage --help)");
    }
    LocalPipeline pipeline = new LocalPipeline(home);
    LocalPipeline.Configs configs = configs(pipeline, List.of());
    StageName stage = pipeline.stagesFrom(stageName).get(0);  // a stage the workflow runs
    if (master.isYarn()) {
      runOnYarn(List.of(stage), configs, false);
      return 0;
    }
    pipeline.run(pipeline.runner(List.of(stage), configs, "recsv stage " + stage, false), configs.run(),
        progress());
    return 0;
  }
}
