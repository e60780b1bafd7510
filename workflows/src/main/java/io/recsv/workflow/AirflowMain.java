package io.recsv.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code recsv airflow dag [--properties FILE] [--output FILE]}: writes the weekly pipeline as an Airflow DAG,
 * generated from workflows/recommendations (see {@link AirflowDag}). Runs without Spark.
 */
public final class AirflowMain {

  static final String USAGE = String.join("\n",
      "usage: recsv airflow dag [--properties FILE] [--output FILE]   (recsv airflow dag --help: its options)",
      "  writes the Airflow DAG of the weekly pipeline, generated from workflows/recommendations/workflow.xml,",
      "  coordinator.xml and the job properties (default: workflows/recommendations/job.properties, the values",
      "  the DAG's schedule and params take); to standard output unless --output is given");

  /** Where the DAG generated from the example properties is kept, and compared by a test. */
  static final String CHECKED_IN = "workflows/airflow/recsv_weekly.py";

  private AirflowMain() {}

  public static void main(String[] args) {
    try {
      System.exit(run(List.of(args)));
    } catch (java.nio.file.NoSuchFileException e) {
      System.err.println("recsv airflow: no such file: " + e.getFile());
      System.exit(2);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("recsv airflow: " + e.getMessage());
      System.exit(2);
    }
  }

  /** {@code dag}'s command line, parsed by picocli (help generated). */
  @Command(name = "recsv airflow dag", mixinStandardHelpOptions = false, sortOptions = false,
      description = "Writes the Airflow DAG of the weekly pipeline, generated from workflows/recommendations"
          + " (workflow.xml, coordinator.xml) and the job properties; to standard output unless --output is given.")
  static final class Dag {
    @Option(names = "--properties", paramLabel = "FILE", description = "the job properties (default:"
        + " workflows/recommendations/job.properties): the values the DAG's schedule and params take")
    Path properties;
    @Option(names = "--output", paramLabel = "FILE", description = "where to write the DAG")
    Path output;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;
  }

  static int run(List<String> args) throws IOException {
    if (args.isEmpty() || !args.get(0).equals("dag")) {
      System.out.println(USAGE);
      return args.equals(List.of("--help")) ? 0 : 2;
    }
    Dag dag = new Dag();
    CommandLine cl = new CommandLine(dag);
    try {
      cl.parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    } catch (ParameterException e) {
      throw new IllegalArgumentException("dag: " + e.getMessage() + " (see recsv airflow dag --help)");
    }
    if (dag.help) {
      System.out.print(cl.getUsageMessage());
      return 0;
    }
    Path repo = Path.of(System.getProperty("recsv.home", "."));
    Path properties = dag.properties != null ? dag.properties
        : repo.resolve("workflows/recommendations/job.properties");
    String text = AirflowDag.generate(repo.resolve("workflows/recommendations"), properties);
    if (dag.output == null) {
      System.out.print(text);
    } else {
      Files.writeString(dag.output, text);
      System.err.println("wrote " + dag.output);
    }
    return 0;
  }
}
