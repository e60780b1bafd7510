package io.recsv.yarn;

import io.recsv.workflow.SparkSubmission;
import io.recsv.yarn.SparkJars;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs spark-submit as an Oozie launcher or an Airflow worker runs it: a JVM of its own running Spark's
 * {@code SparkSubmit} main with Spark's jars and the cluster's Hadoop configuration on its classpath (what the
 * {@code spark-class} script puts there), and {@code HADOOP_CONF_DIR} set, which Spark's YARN client ships to the
 * ApplicationMaster. In cluster deploy mode it waits for the application and exits non-zero unless it succeeded.
 */
final class SparkSubmitProcess {

  private final Path repo;
  private final MiniCluster cluster;
  private final Path logs;

  SparkSubmitProcess(Path repo, MiniCluster cluster, Path logs) throws IOException {
    this.repo = repo;
    this.cluster = cluster;
    this.logs = Files.createDirectories(logs);
  }

  /** Spark's and Hadoop's jars, as the jobs module lists them for YARN. */
  List<Path> sparkJars() throws IOException {
    return SparkJars.of(repo);
  }

  /** Starts spark-submit with {@code submission}; its output goes to a log file named after the application. */
  Process start(SparkSubmission submission) throws IOException {
    return java("org.apache.spark.deploy.SparkSubmit", submission.arguments(), submission.name(), List.of(), List.of());
  }

  /** Runs spark-submit to the end (generously bounded: a slow machine is no failure); its exit code. */
  int run(SparkSubmission submission) throws Exception {
    return await(start(submission));
  }

  /**
   * A java action's main as Oozie's launcher runs it: the application's {@code lib/} jar and Hadoop's client on the
   * classpath, with the cluster's configuration; its exit code.
   */
  int runJavaMain(Path jar, String mainClass, List<String> args, String logName, List<String> jvmOptions)
      throws Exception {
    return await(java(mainClass, args, logName, List.of(jar.toString()), jvmOptions));
  }

  /**
   * A main run as Oozie's launcher runs an action's main: in {@code dir} (the launcher's working directory, where
   * the main writes its files), with {@code jars} and Spark's on the classpath; its exit code.
   */
  int runIn(Path dir, String mainClass, List<String> args, String logName, List<String> jars,
      List<String> jvmOptions) throws Exception {
    ProcessBuilder builder = builder(mainClass, args, logName, jars, jvmOptions);
    builder.directory(dir.toFile());
    return await(builder.start());
  }

  static int await(Process p) throws InterruptedException {
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("spark-submit did not end within 20 minutes");
    }
    return p.exitValue();
  }

  String log(String name) throws IOException {
    return Files.readString(logs.resolve(name + ".log"));
  }

  private Process java(String mainClass, List<String> args, String logName, List<String> jars,
      List<String> jvmOptions) throws IOException {
    return builder(mainClass, args, logName, jars, jvmOptions).start();
  }

  private ProcessBuilder builder(String mainClass, List<String> args, String logName, List<String> jars,
      List<String> jvmOptions) throws IOException {
    List<String> classpath = new ArrayList<>(List.of(cluster.confDir().toString()));
    classpath.addAll(jars);
    sparkJars().forEach(j -> classpath.add(j.toString()));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m"));
    command.addAll(List.of(Files.readString(repo.resolve("jobs/target/jvm.args")).trim().split("\\s+")));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logs.resolve(logName + ".log").toFile());
    builder.environment().put("HADOOP_CONF_DIR", cluster.confDir().toString());
    builder.environment().remove("SPARK_HOME");
    return builder;
  }
}
