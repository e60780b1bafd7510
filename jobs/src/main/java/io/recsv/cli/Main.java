package io.recsv.cli;

import io.recsv.fs.IoErrors;
import io.recsv.run.Version;
import io.recsv.config.UserError;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.lang3.exception.ExceptionUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code recsv} command line, for one machine: local Spark, local (or any Hadoop) file system. Each command is
 * a picocli command of its own ({@link RunCommand}, {@link StageCommand}, ...), its shared options mixins; picocli
 * parses and writes every help; a failure is one line on stderr, exit 2 for what the user can fix, 1 otherwise.
 */
@Command(name = "recsv", header = "recsv - weekly ALS recommendations, published as one verified CSV",
    synopsisSubcommandLabel = "COMMAND", usageHelpWidth = 100, mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
    subcommands = HelpCommand.class, commandListHeading = "%ncommands:%n",
    footer = {"", "and, from the launcher (./recsv):",
        "  bench      benchmarks that print figures: recsv bench pipeline | merge | score (recsv bench --help)",
        "  oozie      validate, deploy, submit and rerun the Oozie application",
        "  airflow    airflow dag: the same pipeline as an Airflow DAG, generated from the Oozie application",
        "",
        "options are --name value or --name=value; config overrides are -D key=value (any config key, see"
            + " reference.conf; Hadoop's own keys, fs.* dfs.* hadoop.* yarn.* ..., go to the Hadoop configuration),"
            + " the same for run, stage, the benchmarks and the cluster's stage entry point."})
public final class Main {

  private final PrintStream out;
  private final Path home;

  Main(PrintStream out, Path home) {
    this.out = out;
    this.home = home;
  }

  /** Set when the user pressed Ctrl-C: what fails after that is the interrupt, not the input or the config. */
  private static volatile boolean interrupted;

  public static void main(String[] args) {
    // Ctrl-C: say so and exit 130. Every output is published only whole (stages swap their directory in, the
    // merge renames a verified file), so nothing is left half-published; the run's lock, whose process is then
    // gone, is taken over by the next run at once.
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
      interrupted = true;
      System.err.println("recsv: interrupted; nothing was half-published (rerun to continue: a rerun reuses"
          + " nothing that does not chain)");
      System.exit(130);
    });
    List<String> list = new ArrayList<>(Arrays.asList(args));
    boolean verbose = list.remove("--verbose");
    Path home = Path.of(System.getProperty("recsv.home", ".")).toAbsolutePath().normalize();
    int code;
    try {
      code = new Main(System.out, home).run(list);
    } catch (Throwable t) {
      code = report(t, verbose);
    }
    System.exit(code);
  }

  /** One line for the user; the stack trace only with --verbose. */
  static int report(Throwable t, boolean verbose) {
    if (interrupted) {
      return 130;  // the failure is the interrupt's doing; the signal handler has said so
    }
    UserError user = userError(t);
    if (user == null) {
      user = IoErrors.userErrorFor(t);  // permission denied, no space left: the user can fix those
    }
    if (user != null) {
      System.err.println("recsv: " + user.getMessage());
    } else {
      String text = String.valueOf(t);
      int newline = text.indexOf('\n');
      System.err.println("recsv: failed: " + (newline > 0 ? text.substring(0, newline) : text)
          + (verbose ? "" : " (--verbose shows the stack trace)"));
    }
    if (verbose) {
      t.printStackTrace();
    }
    return user != null ? 2 : 1;
  }

  /** A UserError anywhere in the cause chain (Spark wraps the ones thrown in tasks). */
  static UserError userError(Throwable t) {
    return ExceptionUtils.throwableOfType(t, UserError.class);
  }

  /** Parses {@code args} into the command they name and runs it; the exit code. */
  int run(List<String> args) throws Exception {
    CommandLine cl = commandLine();
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args.toArray(String[]::new));
    } catch (ParameterException e) {
      throw parseError(e, args);
    }
    Integer help = CommandLine.executeHelpRequest(parsed);
    if (help != null) {
      out.flush();
      return help;
    }
    if (!parsed.hasSubcommand()) {
      out.print(cl.getUsageMessage());
      return 2;
    }
    RecsvCommand command = (RecsvCommand) parsed.subcommand().commandSpec().userObject();
    command.log.apply();
    return command.call();
  }

  private CommandLine commandLine() {
    CommandLine cl = new CommandLine(this);
    for (RecsvCommand c : List.of(new RunCommand(out, home), new StageCommand(out, home),
        new ShowCommand(out, home), new ReportCommand(out, home), new TuneCommand(out, home),
        new GenerateCommand(out, home))) {
      cl.addSubcommand(c);
    }
    cl.setOut(new PrintWriter(out, true));
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.setOut(cl.getOut());
      sub.getCommandSpec().usageMessage().sortOptions(false).width(100);
    }
    return cl;
  }

  /** picocli's complaint as recsv's one-line error, naming the command and where its help is. */
  private static UserError parseError(ParameterException e, List<String> args) {
    String command = e.getCommandLine().getCommandName();
    if (!command.equals("recsv")) {
      String what = e instanceof UnmatchedArgumentException u && !u.getUnmatched().get(0).startsWith("-")
          ? "unexpected argument '" + u.getUnmatched().get(0) + "'" : e.getMessage();
      return new UserError(command + ": " + what + " (see recsv " + command + " --help)");
    }
    if (!args.isEmpty() && args.get(0).equals("bench")) {  // a module of its own (not in the jobs jar)
      return new UserError("recsv bench runs from the launcher: ./recsv bench --help");
    }
    if (!args.isEmpty() && !args.get(0).startsWith("-")) {
      return new UserError("unknown command '" + args.get(0) + "'; see recsv --help");
    }
    return new UserError(e.getMessage() + " (see recsv --help)");
  }

}
