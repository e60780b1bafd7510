package io.recsv.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * One stage's spark action, evaluated: what spark-submit is given to run it. {@link #arguments()} is the command
 * line after {@code spark-submit}, in the order Oozie's SparkMain builds it (options, the jar, then the action's
 * {@code <arg>}s), so the same submission runs through a cluster's {@code spark-submit}, Spark's
 * {@code SparkSubmit} main, or Spark's launcher library.
 *
 * @param stage the action's name, which is the stage's
 * @param sparkOpts the evaluated {@code <spark-opts>}, split at white space as Oozie's SparkArgsExtractor splits them
 * @param files the evaluated {@code <file>}s, each {@code URI#link}
 */
public record SparkSubmission(String stage, String master, String deployMode, String name, String mainClass,
    String jar, List<String> sparkOpts, List<String> files, List<String> args) {

  public SparkSubmission {
    sparkOpts = List.copyOf(sparkOpts);
    files = List.copyOf(files);
    args = List.copyOf(args);
  }

  /**
   * A spark-submit command line (after the command itself), its options in any order, as the submission of
   * {@code stage}: what another scheduler (Airflow's SparkSubmitOperator) runs, to compare with Oozie's.
   */
  public static SparkSubmission parse(String stage, List<String> line) {
    String master = "";
    String deployMode = "";
    String name = "";
    String mainClass = "";
    List<String> opts = new ArrayList<>();
    List<String> files = new ArrayList<>();
    int i = 0;
    for (; i + 1 < line.size() && line.get(i).startsWith("--"); i += 2) {
      String value = line.get(i + 1);
      switch (line.get(i)) {
        case "--master" -> master = value;
        case "--deploy-mode" -> deployMode = value;
        case "--name" -> name = value;
        case "--class" -> mainClass = value;
        case "--files" -> files.addAll(List.of(value.split(",")));
        default -> opts.addAll(List.of(line.get(i), value));
      }
    }
    if (i >= line.size()) {
      throw new IllegalArgumentException("no application jar in the spark-submit command line " + line);
    }
    return new SparkSubmission(stage, master, deployMode, name, mainClass, line.get(i), opts, files,
        line.subList(i + 1, line.size()));
  }

  /**
   * The same submission with its spark-submit options (each with its value) and its files in one order: two
   * submissions that spark-submit runs alike, whatever the order they were written in, are then equal.
   */
  public SparkSubmission canonical() {
    List<List<String>> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < sparkOpts.size(); i += 2) {
      pairs.add(List.of(sparkOpts.get(i), sparkOpts.get(i + 1)));
    }
    pairs.sort(java.util.Comparator.comparing((List<String> p) -> p.get(0)).thenComparing(p -> p.get(1)));
    List<String> opts = pairs.stream().flatMap(List::stream).toList();
    return new SparkSubmission(stage, master, deployMode, name, mainClass, jar, opts, files.stream().sorted().toList(),
        args);
  }

  /** The spark-submit command line, without the command itself. */
  public List<String> arguments() {
    List<String> out = new ArrayList<>(List.of("--master", master));
    if (!deployMode.isEmpty()) {
      out.addAll(List.of("--deploy-mode", deployMode));
    }
    out.addAll(List.of("--name", name, "--class", mainClass));
    out.addAll(sparkOpts);
    if (!files.isEmpty()) {
      out.addAll(List.of("--files", String.join(",", files)));
    }
    out.add(jar);
    out.addAll(args);
    return out;
  }

  /** The same submission with more spark-submit options (e.g. a sharelib's {@code --conf spark.yarn.jars}). */
  public SparkSubmission withSparkOpts(List<String> more) {
    List<String> opts = new ArrayList<>(sparkOpts);
    opts.addAll(more);
    return new SparkSubmission(stage, master, deployMode, name, mainClass, jar, opts, files, args);
  }

  /** spark-submit's options that set a Spark property, and the property: a {@code --conf} of it replaces them. */
  private static final java.util.Map<String, String> OPTION_PROPERTIES = java.util.Map.of(
      "--driver-memory", "spark.driver.memory", "--driver-cores", "spark.driver.cores",
      "--executor-memory", "spark.executor.memory", "--executor-cores", "spark.executor.cores",
      "--num-executors", "spark.executor.instances", "--queue", "spark.yarn.queue");

  /**
   * The same submission with these Spark properties as {@code --conf}s; where the action's spark-opts set the same
   * property with an option of its own ({@code --executor-memory} for {@code spark.executor.memory}), which
   * spark-submit would let win over any {@code --conf}, that option is dropped: the later setting wins.
   */
  public SparkSubmission withSparkConf(java.util.Map<String, String> conf) {
    List<String> opts = new ArrayList<>();
    for (int i = 0; i < sparkOpts.size(); i++) {
      String property = OPTION_PROPERTIES.get(sparkOpts.get(i));
      if (property != null && conf.containsKey(property) && i + 1 < sparkOpts.size()) {
        i++;  // and its value
      } else {
        opts.add(sparkOpts.get(i));
      }
    }
    conf.forEach((k, v) -> opts.addAll(List.of("--conf", k + "=" + v)));
    return new SparkSubmission(stage, master, deployMode, name, mainClass, jar, opts, files, args);
  }

  /** The same submission with more {@code <file>}s ({@code URI#link}), after the action's own. */
  public SparkSubmission withFiles(List<String> more) {
    List<String> all = new ArrayList<>(files);
    all.addAll(more);
    return new SparkSubmission(stage, master, deployMode, name, mainClass, jar, sparkOpts, all, args);
  }

  /** The same submission with more stage arguments, after the workflow's (a later {@code key=value} wins). */
  public SparkSubmission withArgs(List<String> more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(more);
    return new SparkSubmission(stage, master, deployMode, name, mainClass, jar, sparkOpts, files, all);
  }
}
