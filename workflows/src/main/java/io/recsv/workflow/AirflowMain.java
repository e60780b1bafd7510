package io.recsv.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code recsv airflow dag [--properties FILE] [--output FILE]}: writes the weekly pipeline as an Airflow DAG,
 * generated from workflows/recommendations (see {@link AirflowDag}). Runs without Spark.
 */
public final class AirflowMain {

  static final String USAGE = String.join("\n",
      "usage: recsv airflow dag [--properties FILE] [--output FILE]",
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

  static int run(List<String> args) throws IOException {
    if (args.isEmpty() || args.contains("--help") || !args.get(0).equals("dag")) {
      System.out.println(USAGE);
      return args.contains("--help") ? 0 : 2;
    }
    Path repo = Path.of(System.getProperty("recsv.home", "."));
    Path properties = repo.resolve("workflows/recommendations/job.properties");
    Path output = null;
    for (int i = 1; i < args.size(); i++) {
      String value = i + 1 < args.size() ? args.get(i + 1) : null;
      switch (args.get(i)) {
        case "--properties" -> properties = Path.of(required(value, "--properties"));
        case "--output" -> output = Path.of(required(value, "--output"));
        default -> throw new IllegalArgumentException("unexpected argument '" + args.get(i) + "'\n" + USAGE);
      }
      i++;
    }
    String dag = AirflowDag.generate(repo.resolve("workflows/recommendations"), properties);
    if (output == null) {
      System.out.print(dag);
    } else {
      Files.writeString(output, dag);
      System.err.println("wrote " + output);
    }
    return 0;
  }

  private static String required(String value, String option) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }
}
