package io.recsv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.config.UserError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir
  Path work;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), TestSpark.repoRoot());

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsTheCommandsAndEachCommandHasHelp() throws Exception {
    assertEquals(0, main.run(List.of("--help")));
    for (String command : List.of("run", "stage", "generate", "bench", "oozie")) {
      assertTrue(output().contains(command), command);
    }
    for (String command : List.of("run", "stage", "show", "report", "tune", "generate")) {
      assertEquals(0, main.run(List.of(command, "--help")));
      assertTrue(output().contains("Usage: recsv " + command), command);
    }
    assertTrue(output().contains("-D=key=value") && output().contains("--config=FILE"), output());
  }

  @Test
  void onYarnThePathsMustBeTheClustersAndTheDemoIsRefusedBeforeAnythingIsSubmitted() {
    UserError demo = assertThrows(UserError.class, () -> main.run(List.of("run", "--master", "yarn")));
    assertTrue(demo.getMessage().contains("the demo runs on one machine"), demo.getMessage());
    UserError local = assertThrows(UserError.class, () -> main.run(List.of("run", "--master", "yarn", "--input",
        work.resolve("in.csv").toString(), "--work", "hdfs://nn:8020/work", "--output", "hdfs://nn:8020/out/r.csv")));
    assertEquals("--master yarn: prepare.input is '" + work.resolve("in.csv") + "', a path on this machine; the stages"
        + " run on the cluster's nodes: give a path of the cluster's file system, e.g. hdfs://namenode/... (--work,"
        + " --input, --output)", local.getMessage());
    UserError stage = assertThrows(UserError.class, () -> main.run(List.of("stage", "score", "--master", "yarn",
        "--work", "file:" + work)));
    assertTrue(stage.getMessage().startsWith("--master yarn: run.root is 'file:"), stage.getMessage());
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("HADOOP_CONF_DIR") == null
        && System.getenv("YARN_CONF_DIR") == null, "a cluster's configuration is set in this environment");
    UserError conf = assertThrows(UserError.class, () -> main.run(List.of("run", "--master", "yarn", "--input",
        "hdfs://nn:8020/in", "--work", "hdfs://nn:8020/work", "--output", "hdfs://nn:8020/out/r.csv")));
    assertTrue(conf.getMessage().contains("set HADOOP_CONF_DIR"), conf.getMessage());
  }

  @Test
  void misspelledKeyOnTheCommandLineIsAOneLineUserError() {
    UserError e = assertThrows(UserError.class, () -> main.run(List.of("stage", "score", "--work",
        work.toString(), "-D", "score.kk=5")));
    assertTrue(e.getMessage().contains("'score.kk'") && e.getMessage().contains("score.k"), e.getMessage());
    assertEquals(2, Main.report(e, false));
  }

  @Test
  void aMistypedValueFailsTheDemoBeforeAnythingIsGenerated() {
    UserError e = assertThrows(UserError.class, () -> main.run(List.of("run", "--work", work.toString(),
        "-D", "merge.sync=maybe")));
    assertTrue(e.getMessage().contains("'merge.sync'") && e.getMessage().contains("boolean"), e.getMessage());
    assertTrue(!Files.exists(work.resolve("demo-input")), "no demo dataset generated");
  }

  @Test
  void unknownStageAndOptionAreUserErrors() {
    UserError e = assertThrows(UserError.class, () -> main.run(List.of("stage", "scroe", "--work", work.toString())));
    assertTrue(e.getMessage().contains("scroe") && e.getMessage().contains("prepare, evaluate, train"), e.getMessage());
    e = assertThrows(UserError.class, () -> main.run(List.of("run", "--inptu", "x")));
    assertTrue(e.getMessage().contains("--inptu"), e.getMessage());
  }

  @Test
  void aStageWhoseInputIsMissingSaysWhichStageToRunFirst() {
    UserError e = assertThrows(UserError.class, () -> main.run(List.of("stage", "train", "--work", work.toString(),
        "-D", "spark.master=local[2]")));
    assertTrue(e.getMessage().contains("run the 'prepare' stage"), e.getMessage());
  }

  @Test
  void generateIsDeterministicWith64BitIds() throws Exception {
    Path a = work.resolve("a.csv");
    Path b = work.resolve("b.csv");
    // What a killed generate left: the file is written under another name and renamed whole, so the torn one is
    // never a.csv; the next generate replaces it.
    Files.writeString(work.resolve(".a.csv.generating"), "user_id,product_id,weight\n17,5,3\n3000");
    assertEquals(0, main.run(List.of("generate", "--users", "300", "--products", "50", "--per-user", "7",
        "--output", a.toString(), "--seed", "5")));
    try (var left = Files.list(work)) {
      assertEquals(List.of("a.csv"), left.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(0, main.run(List.of("generate", "--users", "300", "--products", "50", "--per-user", "7",
        "--output", b.toString(), "--seed", "5")));
    List<String> lines = Files.readAllLines(a);
    assertEquals(Files.readAllLines(b), lines);
    assertEquals("user_id,product_id,weight", lines.get(0));
    assertEquals(1 + 300 * 7, lines.size());
    assertTrue(lines.stream().skip(1).anyMatch(l -> Long.parseLong(l.split(",")[0]) > Integer.MAX_VALUE));
    assertTrue(lines.stream().skip(1).anyMatch(l -> Long.parseLong(l.split(",")[1]) > Integer.MAX_VALUE));
    UserError e = assertThrows(UserError.class, () -> main.run(List.of("generate", "--users", "3", "--products",
        "5", "--per-user", "1", "--output", a.toString())));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  @Test
  void versionAndSparkSubmitStyleMasterAndConf() throws Exception {
    assertEquals(0, main.run(List.of("--version")));
    assertTrue(output().startsWith("recsv "), output());
    RunCommand run = new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8), work);
    new picocli.CommandLine(run).parseArgs("--master", "local[1]", "--conf", "spark.sql.shuffle.partitions=3",
        "--conf=spark.ui.enabled=false", "-Dscore.k=7", "--work=/tmp/w");
    assertEquals(List.of("score.k=7"), run.config.overrides());
    assertEquals("/tmp/w", run.run.work);
    assertEquals(List.of("spark.master=local[1]", "spark.conf.spark.sql.shuffle.partitions=3",
        "spark.conf.spark.ui.enabled=false"), run.master.overrides());
    com.typesafe.config.Config config = io.recsv.config.ConfigLoader.load(List.of(), run.master.overrides());
    assertEquals("local[1]", config.getString("spark.master"));
    assertEquals("3", config.getConfig("spark.conf").getString("\"spark.sql.shuffle.partitions\""));
    UserError bad = assertThrows(UserError.class, () -> main.run(List.of("run", "--conf", "nokeyvalue")));
    assertTrue(bad.getMessage().contains("key=value"), bad.getMessage());
  }
}
