package io.recsv.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * An Oozie spark sharelib for Spark 3.5: Oozie 5.2.1 builds its own of Spark 1.6.1 (2.1.0 with a profile), which
 * cannot run recsv's stages. It holds Spark's jars (two Hadoop jars among them that Maven's spark-yarn does not
 * bring, without which the ApplicationMaster dies with ClassNotFoundException …AmIpFilter), Oozie's own spark action
 * main ({@code oozie-sharelib-spark}: SparkMain, which drives Spark 3.5), and a {@code spark-defaults.conf} that
 * SparkMain reads from the launcher's directory: {@code spark.yarn.jars} pointing at the sharelib's own jars on
 * HDFS, and the cluster's event log and history server when given.
 */
final class SparkSharelib {

  /** Jars a Spark 3.5 sharelib must hold besides Spark's own: SparkMain, and what the ApplicationMaster needs. */
  static final List<String> REQUIRED = List.of("oozie-sharelib-spark-", "hadoop-yarn-server-web-proxy-",
      "hadoop-shaded-guava-", "spark-yarn_");
  static final String DEFAULTS = "spark-defaults.conf";

  private SparkSharelib() {}

  /**
   * Spark's jars: those in {@code sparkJarsDir} (a Spark distribution's {@code jars/}), or recsv's own (the jobs
   * module's Spark and Hadoop, listed at build); then Oozie's SparkMain jar.
   */
  static List<Path> jars(Path home, Path sparkJarsDir) throws IOException {
    List<Path> jars = new ArrayList<>();
    if (sparkJarsDir != null) {
      try (Stream<Path> files = Files.list(sparkJarsDir)) {
        files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
      }
    } else {
      Path listed = home.resolve("jobs/target/spark-jars.txt");
      if (!Files.isRegularFile(listed)) {
        throw new IllegalArgumentException("no " + listed + ": build recsv (mvn package), or give --spark-jars with"
            + " a Spark 3.5 distribution's jars/ directory");
      }
      for (String jar : Files.readString(listed).trim().split(java.io.File.pathSeparator)) {
        jars.add(Path.of(jar));
      }
    }
    try (Stream<Path> files = Files.list(home.resolve("workflows/target/oozie-sharelib"))) {
      files.filter(f -> f.getFileName().toString().startsWith("oozie-sharelib-spark-")).forEach(jars::add);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("no oozie-sharelib-spark jar in " + e.getFile() + ": build recsv (mvn"
          + " package)");
    }
    for (String required : REQUIRED) {
      if (jars.stream().noneMatch(j -> j.getFileName().toString().startsWith(required))) {
        throw new IllegalArgumentException("the sharelib would have no " + required + "*.jar" + (sparkJarsDir != null
            ? " (not in " + sparkJarsDir + ")" : "") + ": a spark action needs it on YARN");
      }
    }
    return jars;
  }

  /** spark-defaults.conf: Spark's jars from the sharelib on HDFS, and the cluster's event log and history server. */
  static String defaults(org.apache.hadoop.fs.Path sharelib, String eventLogDir, String historyServer) {
    StringBuilder text = new StringBuilder("# Written by recsv oozie sharelib: read by Oozie's SparkMain from the"
        + " launcher's directory.\n");
    text.append("spark.yarn.jars ").append(sharelib).append("/*.jar\n");
    if (eventLogDir != null) {
      text.append("spark.eventLog.enabled true\nspark.eventLog.dir ").append(eventLogDir).append('\n');
    }
    if (historyServer != null) {
      text.append("spark.yarn.historyServer.address ").append(historyServer).append('\n');
    }
    return text.toString();
  }

  /** Copies the jars and writes spark-defaults.conf into {@code output}, which must not hold a sharelib yet. */
  static org.apache.hadoop.fs.Path write(Configuration conf, String output, List<Path> jars, String eventLogDir,
      String historyServer) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(output);
    FileSystem fs = dir.getFileSystem(conf);
    dir = fs.makeQualified(dir);
    if (fs.exists(dir) && fs.listStatus(dir).length > 0) {
      throw new IllegalArgumentException(dir + " is not empty: a sharelib goes into a new directory (Oozie reads"
          + " the newest lib_<timestamp> under its sharelib root)");
    }
    fs.mkdirs(dir);
    for (Path jar : jars) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(jar.toUri()),
          new org.apache.hadoop.fs.Path(dir, jar.getFileName().toString()));
    }
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(dir, DEFAULTS), false)) {
      out.write(defaults(dir, eventLogDir, historyServer).getBytes(StandardCharsets.UTF_8));
    }
    return dir;
  }
}
