package io.recsv.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recsv airflow dag [--properties FILE] [--output FILE]}: writes the weekly pipeline as an Airflow DAG,
 * generated from workflows/recommendations (see {@link AirflowDag}). Runs without Spark.
 */
@Command(name = "recsv airflow", usageHelpWidth = 100, synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true,
    versionProvider = OozieMain.Version.class, commandListHeading = "%ncommands:%n",
    description = "The weekly pipeline as an Airflow DAG.", subcommands = AirflowMain.Dag.class)
public final class AirflowMain {

  /** Where the DAG generated from the example properties is kept, and compared by a test. */
  static final String CHECKED_IN = "workflows/airflow/recsv_weekly.py";

  private AirflowMain() {}

  public static void main(String[] args) {
    try {
      System.exit(run(List.of(args)));
    } catch (java.nio.file.NoSuchFileException e) {
      System.err.println("recsv airflow: no such file: " + e.getFile());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("recsv airflow: " + e.getMessage());
      System.exit(2);
    }
  }

  @Command(name = "dag", sortOptions = false, usageHelpWidth = 100,
      description = "Writes the Airflow DAG of the weekly pipeline, generated from workflows/recommendations"
          + " (workflow.xml, coordinator.xml) and the job properties; to standard output unless --output is given.")
  static final class Dag implements Callable<Integer> {
    @Option(names = "--properties", paramLabel = "FILE", description = "the job properties (default:"
        + " workflows/recommendations/job.properties): the values the DAG's schedule and params take")
    Path properties;
    @Option(names = "--output", paramLabel = "FILE", description = "where to write the DAG")
    Path output;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    @Override
    public Integer call() throws IOException {
      Path repo = Path.of(System.getProperty("recsv.home", "."));
      Path file = properties != null ? properties : repo.resolve("workflows/recommendations/job.properties");
      String text = AirflowDag.generate(repo.resolve("workflows/recommendations"), file);
      if (output == null) {
        System.out.print(text);
      } else {
        Files.writeString(output, text);
        System.err.println("wrote " + output);
      }
      return 0;
    }
  }

  static int run(List<String> args) throws Exception {
    return Subcommands.run(new AirflowMain(), "recsv airflow", args.toArray(String[]::new));
  }
}
