package io.recsv.ops;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How {@code recsv oozie} and {@code recsv airflow} run: picocli parses the words into the command they name, help
 * is printed when asked for, and a mistake is one line that names the command and where its help is.
 */
final class Subcommands {

  private Subcommands() {}

  /** Runs the subcommand of {@code top} (a picocli command named {@code name}) that {@code args} name. */
  static int run(Object top, String name, String[] args) throws Exception {
    CommandLine cl = new CommandLine(top);
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (ParameterException e) {
      String command = e.getCommandLine().getCommandName();
      throw new IllegalArgumentException(command.equals(name) ? e.getMessage() + " (see " + name + " --help)"
          : command + ": " + e.getMessage() + " (see " + name + " " + command + " --help)");
    }
    Integer help = CommandLine.executeHelpRequest(parsed);
    if (help != null) {
      return help;
    }
    if (!parsed.hasSubcommand()) {
      cl.usage(System.out);
      return 2;
    }
    @SuppressWarnings("unchecked")
    Callable<Integer> command = (Callable<Integer>) parsed.subcommand().commandSpec().userObject();
    return command.call();
  }

  /** The command {@code args} name, parsed (what it took from its words), without running it. */
  static Object parse(Object top, String... args) {
    return new CommandLine(top).parseArgs(args).subcommand().commandSpec().userObject();
  }
}
