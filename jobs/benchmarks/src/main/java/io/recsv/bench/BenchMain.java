package io.recsv.bench;

import io.recsv.config.UserError;
import io.recsv.run.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code recsv bench}: commands that print figures, each against a baseline measured in the same run. */
@Command(name = "recsv bench", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
    subcommands = {PipelineBench.class, PrepareBench.class, MergeBench.class, ScoreBench.class},
    description = "Benchmarks: each prints its figures next to a baseline measured in the same run, on this machine.")
public final class BenchMain implements Runnable {

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with recsv's own errors printed as one line (exit 2), like every recsv command. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new BenchMain());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof UserError) {
        cmd.getErr().println("recsv: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cl;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a benchmark");
  }
}
