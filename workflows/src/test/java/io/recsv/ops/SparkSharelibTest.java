package io.recsv.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark 3.5 sharelib {@code recsv oozie sharelib} builds: what it refuses and what its spark-defaults.conf says.
 * (That Oozie's SparkMain runs a stage on YARN from it: WeekOnYarnIT in integration-tests/yarn.)
 */
class SparkSharelibTest {

  private static final Path REPO = Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void sparkJarsWithoutTheHadoopJarsTheApplicationMasterNeedsAreRefusedNamingThem() throws Exception {
    Path jars = Files.createDirectories(dir.resolve("jars"));
    for (String name : List.of("spark-core_2.12-3.5.9.jar", "spark-yarn_2.12-3.5.9.jar", "hadoop-shaded-guava-1.1.1.jar")) {
      Files.writeString(jars.resolve(name), "");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkSharelib.jars(REPO, jars));
    assertTrue(e.getMessage().contains("hadoop-yarn-server-web-proxy-") && e.getMessage().contains(jars.toString()),
        e.getMessage());
    Files.writeString(jars.resolve("hadoop-yarn-server-web-proxy-3.3.4.jar"), "");
    List<Path> all = SparkSharelib.jars(REPO, jars);
    assertEquals(5, all.size(), "the four and Oozie's SparkMain: " + all);
    assertTrue(all.get(4).getFileName().toString().startsWith("oozie-sharelib-spark-5.2.1"), all.toString());
  }

  @Test
  void itsDefaultsNameItsOwnJarsAndTheEventLogAndANonEmptyDirectoryIsRefused() throws Exception {
    Path jar = Files.writeString(dir.resolve("spark-core_2.12-3.5.9.jar"), "a jar");
    String out = dir.resolve("lib_1/spark3").toString();
    org.apache.hadoop.fs.Path written = SparkSharelib.write(new Configuration(), out, List.of(jar),
        "hdfs:///spark-history", "history:18080");
    String defaults = Files.readString(Path.of(out, SparkSharelib.DEFAULTS));
    assertTrue(defaults.contains("spark.yarn.jars " + written + "/*.jar\n"), defaults);
    assertTrue(defaults.contains("spark.eventLog.enabled true\nspark.eventLog.dir hdfs:///spark-history\n"), defaults);
    assertTrue(defaults.contains("spark.yarn.historyServer.address history:18080\n"), defaults);
    assertEquals("a jar", Files.readString(Path.of(out, "spark-core_2.12-3.5.9.jar")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkSharelib.write(new Configuration(), out, List.of(jar), null, null));
    assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
  }
}
