package io.recsv.cli;

import io.recsv.generate.Generator;

import io.recsv.workflow.StageName;
import io.recsv.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.recsv.TestSpark;
import io.recsv.merge.CsvManifest;
import io.recsv.workflow.WorkflowDefinition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on one machine, through the launcher's code path, on Apache Spark's sample MovieLens
 * ratings; the published CSV is checked line by line against the contract in docs/csv-contract.md.
 */
class PipelineEndToEndTest {

  private static final Pattern ROW = Pattern.compile("-?[0-9]+,-?[0-9]+,[0-9]+\\.[0-9]{4}");

  @TempDir
  Path work;

  private final Path home = TestSpark.repoRoot();

  private int launch(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), home).run(List.of(args));
    System.out.println(out.toString(StandardCharsets.UTF_8));
    return code;
  }

  @Test
  void movieLensSampleGivesAContractAbidingCsv() throws Exception {
    Path ratings = SharedData.movieLensSample();
    Path csv = work.resolve("out/recommendations.csv");
    TestSpark.get();  // reuse the test JVM's session
    assertEquals(0, launch("run", "--input", ratings.toString(), "--output", csv.toString(), "--work",
        work.toString(), "--run-id", "w1", "-D", "prepare.csv.header=false", "-D", "prepare.csv.delimiter=::",
        "-D", "score.k=20", "-D", "spark.master=local[2]"));

    Set<Long> inputUsers = new HashSet<>();
    Set<Long> inputProducts = new HashSet<>();
    for (String line : Files.readAllLines(ratings)) {
      String[] f = line.split("::");
      inputUsers.add(Long.parseLong(f[0]));
      inputProducts.add(Long.parseLong(f[1]));
    }
    int expectedPerUser = Math.min(20, inputProducts.size());
    checkContract(csv, inputUsers, inputProducts, expectedPerUser);

    // Rerun from a stage reuses the earlier outputs; the published CSV must not be silently replaced.
    assertEquals(2, runExpectingUserError("run", "--input", ratings.toString(), "--output", csv.toString(), "--work",
        work.toString(), "--run-id", "w1", "--from", "export", "-D", "prepare.csv.header=false",
        "-D", "prepare.csv.delimiter=::", "-D", "score.k=20"));
    assertEquals(0, launch("run", "--input", ratings.toString(), "--output", csv.toString(), "--work",
        work.toString(), "--run-id", "w1", "--from", "export", "-D", "prepare.csv.header=false",
        "-D", "prepare.csv.delimiter=::", "-D", "score.k=20", "-D", "merge.overwrite=true"));
    checkContract(csv, inputUsers, inputProducts, expectedPerUser);
  }

  private int runExpectingUserError(String... args) throws Exception {
    try {
      return launch(args);
    } catch (Exception e) {
      assertTrue(Main.userError(e) != null, "a user error, not a crash: " + e);
      assertTrue(e.getMessage().contains("already exists"), e.getMessage());
      return Main.report(e, false);
    }
  }

  static void checkContract(Path csv, Set<Long> users, Set<Long> products, int perUser) throws Exception {
    byte[] bytes = Files.readAllBytes(csv);
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n") && !text.endsWith("\n\n"), "ends with one \\n, no blank line");
    assertFalse(text.contains("\r"), "\\n line endings");
    List<String> lines = List.of(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
    assertEquals("user_id,product_id,score", lines.get(0), "one header line");
    Map<Long, Integer> rowsPerUser = new HashMap<>();
    Set<Long> finished = new HashSet<>();
    long current = Long.MIN_VALUE;
    List<String[]> userRows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      assertTrue(ROW.matcher(line).matches(), "line " + (i + 1) + ": " + line);
      String[] f = line.split(",");
      long user = Long.parseLong(f[0]);
      assertTrue(users.contains(user), "line " + (i + 1) + ": user id from the input");
      assertTrue(products.contains(Long.parseLong(f[1])), "line " + (i + 1) + ": product id from the input");
      double score = Double.parseDouble(f[2]);
      assertTrue(score >= 0 && score <= 1, "line " + (i + 1) + ": normalized score");
      if (user != current) {
        assertFalse(finished.contains(user), "line " + (i + 1) + ": rows of user " + user + " are contiguous");
        checkOrder(userRows);
        finished.add(current);
        current = user;
        userRows.clear();
      }
      userRows.add(f);
      rowsPerUser.merge(user, 1, Integer::sum);
    }
    checkOrder(userRows);
    assertEquals(users, rowsPerUser.keySet(), "every user has recommendations");
    rowsPerUser.forEach((u, n) -> assertEquals(perUser, n, "rows of user " + u));

    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(csv.toString());
    CsvManifest m = CsvManifest.readIfExists(FileSystem.getLocal(new Configuration()).getRawFileSystem(), path);
    assertEquals(lines.size() - 1, m.rows());
    assertEquals(bytes.length, m.bytes());
    assertEquals(users.size(), m.users());
    try (var files = Files.list(csv.getParent())) {
      String name = csv.getFileName().toString();
      // Nothing else beside them: no temporary file, no checksum file of the local file system.
      assertEquals(List.of(name, name + ".manifest.json", name + ".report.html", name + ".report.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** Score descending, ties by product id ascending; the best score of a user is 1.0000 (max normalization). */
  private static void checkOrder(List<String[]> rows) {
    for (int i = 1; i < rows.size(); i++) {
      double prev = Double.parseDouble(rows.get(i - 1)[2]);
      double cur = Double.parseDouble(rows.get(i)[2]);
      assertTrue(prev > cur || (prev == cur && Long.parseLong(rows.get(i - 1)[1]) < Long.parseLong(rows.get(i)[1])),
          "rank order at " + String.join(",", rows.get(i)));
    }
    if (!rows.isEmpty()) {
      assertTrue(rows.get(0)[2].equals("1.0000") || rows.get(0)[2].equals("0.0000"), "best = 1.0000");
    }
  }

  @Test
  void largeIdsSurviveTheRoundTrip() throws Exception {
    Path input = work.resolve("ids.csv");
    long[] userIds = {Long.MAX_VALUE, 9_007_199_254_740_993L, 4_294_967_296L, 2_147_483_648L, 1L, -42L};
    long[] productIds = {Long.MAX_VALUE - 1, 9_007_199_254_740_995L, 2_147_483_649L, 0L, Long.MIN_VALUE};
    StringBuilder text = new StringBuilder("user_id,product_id,weight\n");
    for (int u = 0; u < userIds.length; u++) {
      for (int p = 0; p < productIds.length; p++) {
        if ((u + p) % 3 != 0) {
          text.append(userIds[u]).append(',').append(productIds[p]).append(",1\n");
        }
      }
    }
    Files.writeString(input, text);
    Path csv = work.resolve("out/ids.csv");
    assertEquals(0, launch("run", "--input", input.toString(), "--output", csv.toString(), "--work",
        work.toString(), "-D", "score.k=3", "-D", "score.exclude-seen=false", "-D", "spark.master=local[2]"));
    Set<Long> users = new HashSet<>();
    for (long u : userIds) {
      users.add(u);
    }
    Set<Long> products = new HashSet<>();
    for (long p : productIds) {
      products.add(p);
    }
    checkContract(csv, users, products, 3);
  }

  /** The generator plants tastes; a working ALS + scorer recommends mostly the user's own taste (chance: 1/8). */
  @Test
  void recommendationsRecoverThePlantedStructure() throws Exception {
    Path input = work.resolve("generated.csv");
    new Generator(2_000, 400, 15, 11).write(new Configuration(), input.toString());
    Path csv = work.resolve("out/generated.csv");
    assertEquals(0, launch("run", "--input", input.toString(), "--output", csv.toString(), "--work",
        work.toString(), "-D", "score.k=10", "-D", "spark.master=local[2]", "-D", "train.rank=16",
        "-D", "train.max-iter=8"));
    long rows = 0;
    long sameTaste = 0;
    for (String line : Files.readAllLines(csv).subList(1, 1 + 2_000 * 10)) {
      String[] f = line.split(",");
      rows++;
      if (Generator.taste(Long.parseLong(f[0])) == Generator.taste(Long.parseLong(f[1]))) {
        sameTaste++;
      }
    }
    assertEquals(20_000, rows);
    double share = (double) sameTaste / rows;
    assertTrue(share > 0.8, "share of same-taste recommendations: " + share);
  }

  @Test
  void stageOrderAndMainClassesComeFromTheWorkflow() {
    WorkflowDefinition workflow = WorkflowDefinition.load(home.resolve("workflows/recommendations/workflow.xml"));
    assertEquals(List.of(StageName.values()), new LocalPipeline(home).stageNames());
    for (WorkflowDefinition.SparkStage stage : workflow.stages()) {
      assertEquals(Stages.mainClass(StageName.of(stage.name())).getName(), stage.mainClass(), "main class of " + stage.name());
      assertEquals(stage.name() + ".conf", stage.configFiles().get(0), "the stage's own file first");
      assertEquals("cluster.conf", stage.configFiles().get(stage.configFiles().size() - 1), "the environment's last");
      for (String file : stage.configFiles().subList(0, stage.configFiles().size() - 1)) {
        assertTrue(Files.exists(home.resolve("config/stages/" + file)), file);
      }
    }
  }

  @Test
  void eachStageReadsTheConfigFilesItsOozieActionShipsThenTheEnvironment() {
    LocalPipeline.Configs c = new LocalPipeline(home).configs("local", List.of(), List.of("run.root=/tmp/x"));
    assertEquals("local[*]", c.run().getString("spark.master"));
    assertEquals(32, c.of(StageName.TRAIN).getInt("train.rank"), "train.conf");
    assertEquals(32, c.of(StageName.EVALUATE).getInt("train.rank"), "the evaluate action ships train.conf too");
    assertEquals(10, c.of(StageName.SCORE).getInt("train.rank"), "the score action does not: reference.conf's");
    assertEquals(4, c.of(StageName.EXPORT).getInt("export.parts"), "the environment wins over export.conf's 400");
    assertEquals(4, c.run().getInt("export.parts"), "the run: the environment's, no stage file");
  }
}
