package io.recsv.it;

import io.recsv.merge.Strategy;
import io.recsv.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.recsv.testing.MiniHdfs;
import io.recsv.cli.Stages;
import io.recsv.config.UserError;
import io.recsv.config.ConfigLoader;
import io.recsv.merge.CsvManifest;
import io.recsv.report.RunReport;
import io.recsv.ops.OozieApp;
import io.recsv.workflow.StageName;
import io.recsv.ops.OozieDeployer;
import io.recsv.workflow.WorkflowDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline end to end on a real HDFS (MiniDFSCluster, small blocks) with local Spark: every stage in the
 * workflow's order, the merge by concat, the published CSV checked; and the Oozie application deployed.
 */
class HdfsPipelineIT {

  private static final java.nio.file.Path REPO =
      java.nio.file.Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();
  /** The run's and the CSV's directories lie under a name with a space, letters beyond ASCII, '#', '%' and '?'. */
  private static final String ODD = "/data/wörk é #1 %20?";
  private static MiniHdfs hdfs;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws IOException {
    hdfs = new MiniHdfs(64 * 1024);
    spark = SparkSession.builder().master("local[2]").appName("recsv-it").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
  }

  @AfterAll
  static void stop() {
    spark.stop();
    hdfs.close();
  }

  /** Also: every path of the run under {@link #ODD}, on HDFS as locally (RunSafetyTest). */
  @Test
  void movieLensOnHdfsIsPublishedByConcat() throws Exception {
    FileSystem fs = hdfs.fs();
    String uri = hdfs.uri();
    Path input = new Path(uri + ODD + "/in/ratings.txt");
    fs.copyFromLocalFile(new Path(SharedData.movieLensSample().toUri()), input);
    Config config = ConfigLoader.load(List.of(), List.of("spark.master=local[2]", "run.root=" + uri + ODD + "/work",
        "run.id=2026-11-23", "merge.output-root=" + uri + ODD + "/published", "prepare.input=" + input,
        "prepare.csv.header=false", "prepare.csv.delimiter=::", "score.k=10", "export.parts=5",
        "train.rank=6", "train.max-iter=5", "train.user-blocks=2", "train.item-blocks=2",
        // Conjugate gradient's user factors are checkpointed (every 2 iterations here): on HDFS, in the run.
        "train.solver=cg", "train.checkpoint-interval=2"));

    Map<String, String> summaries = new HashMap<>();
    for (String stage : WorkflowDefinition.fromClasspath().stageNames()) {
      summaries.put(stage, Stages.create(StageName.of(stage), config).run(spark));
    }
    assertTrue(summaries.get("train").contains("by recsv (conjugate gradient, 3 steps)"), summaries.get("train"));
    assertTrue(spark.sparkContext().getCheckpointDir().get().startsWith(uri + ODD + "/work/2026-11-23/checkpoints"),
        spark.sparkContext().getCheckpointDir().get());

    Path csv = new Path(uri + ODD + "/published/2026-11-23/recommendations.csv");
    CsvManifest manifest = CsvManifest.readIfExists(fs, csv);
    assertEquals(Strategy.CONCAT, manifest.strategy());
    assertEquals("hdfs COMPOSITE_CRC of every part, before publishing", manifest.checksum().verifiedBy());
    assertEquals(fs.getFileStatus(csv).getLen(), manifest.bytes());
    assertFalse(fs.exists(new Path(uri + ODD + "/work/2026-11-23/export/parts")), "concat consumed the parts");
    Path checkpoints = new Path(uri + ODD + "/work/2026-11-23/checkpoints");
    assertFalse(fs.exists(checkpoints) && fs.listFiles(checkpoints, true).hasNext(),
        "train's and evaluate's checkpoints removed once their models were made");
    assertEquals(List.of("recommendations.csv", "recommendations.csv.manifest.json", "recommendations.csv.report.html",
        "recommendations.csv.report.json"), list(fs, csv.getParent()));
    // The report, on HDFS too, from the statistics prepare and score recorded there.
    RunReport report = RunReport.read(fs, csv);
    assertEquals(manifest.rows(), report.csv().rows());
    assertEquals(manifest.rows(), report.scores().rows());
    assertEquals(manifest.users(), report.scores().users());
    assertEquals(List.of(), report.notes());
    // Evaluated on HDFS too; 30 users are too few for the gate to judge (evaluate.gate.min-users), and it says so.
    assertEquals(io.recsv.workflow.GateVerdict.Verdict.PASS, manifest.evaluation().metrics().gate().verdict());
    assertTrue(manifest.evaluation().metrics().gate().reason().contains("too few to judge"),
        manifest.evaluation().metrics().gate().reason());

    List<String> lines;
    try (InputStream in = fs.open(csv)) {
      lines = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
    }
    assertEquals("user_id,product_id,score", lines.get(0));
    Map<String, Integer> perUser = new HashMap<>();
    Set<String> done = new HashSet<>();
    String current = null;
    for (String line : lines.subList(1, lines.size())) {
      assertTrue(line.matches("\\d+,\\d+,[01]\\.\\d{4}"), line);
      String user = line.substring(0, line.indexOf(','));
      if (!user.equals(current)) {
        assertFalse(done.contains(user), "user " + user + " contiguous");
        done.add(user);
        current = user;
      }
      perUser.merge(user, 1, Integer::sum);
    }
    assertEquals(30, perUser.size(), "the sample's 30 users");
    perUser.values().forEach(n -> assertEquals(10, n));
    assertEquals(lines.size() - 1, manifest.rows());

    // A rerun of merge after success leaves the published file alone.
    long mtime = fs.getFileStatus(csv).getModificationTime();
    Stages.create(StageName.MERGE, config).run(spark);
    assertEquals(mtime, fs.getFileStatus(csv).getModificationTime());
    // A file of a stage's output lost on HDFS (a clean-up, a retention job) is found by its next reader, by name,
    // for each of the outputs whose loss once published a wrong CSV (as locally: DamagedOutputTest).
    Path run = new Path(uri + ODD + "/work/2026-11-23");
    for (Object[] c : List.of(new Object[] {"score/top", StageName.EXPORT, "score"},
        new Object[] {"prepare/interactions", StageName.TRAIN, "prepare"},
        new Object[] {"prepare/products", StageName.EXPORT, "prepare"},
        new Object[] {"prepare/users", StageName.EXPORT, "prepare"},
        new Object[] {"train/model/userFactors", StageName.SCORE, "train"})) {
      Path lost = firstPart(fs, new Path(run, (String) c[0]));
      byte[] bytes;
      try (InputStream in = fs.open(lost)) {
        bytes = in.readAllBytes();
      }
      assertTrue(fs.delete(lost, false));
      UserError damaged = assertThrows(UserError.class, () -> Stages.create((StageName) c[1], config).run(spark));
      String inOutput = ((String) c[0]).substring(((String) c[2]).length() + 1) + "/" + lost.getName();
      assertTrue(damaged.getMessage().contains(": " + inOutput + " is missing (recorded: ")
          && damaged.getMessage().endsWith("rerun from '" + c[2] + "' (./recsv run ... --from " + c[2] + ")"),
          c[0] + ": " + damaged.getMessage());
      try (var out = fs.create(lost, false)) {
        out.write(bytes);
      }
    }
    // And one cut short (written again, half of it: what a listing sees of a truncated file).
    Path users = firstPart(fs, new Path(run, "prepare/users"));
    byte[] whole;
    try (InputStream in = fs.open(users)) {
      whole = in.readAllBytes();
    }
    try (var out = fs.create(users, true)) {
      out.write(whole, 0, whole.length / 2);
    }
    UserError truncated = assertThrows(UserError.class, () -> Stages.create(StageName.TRAIN, config).run(spark));
    assertTrue(truncated.getMessage().contains("users/" + users.getName() + " has " + whole.length / 2
        + " bytes, not the " + whole.length + " recorded") && truncated.getMessage().endsWith(
        "rerun from 'prepare' (./recsv run ... --from prepare)"), truncated.getMessage());
  }

  /** The first data file (not Spark's marker) of a dataset. */
  private static Path firstPart(FileSystem fs, Path dataset) throws IOException {
    List<Path> parts = new ArrayList<>();
    for (var it = fs.listFiles(dataset, false); it.hasNext(); ) {
      Path p = it.next().getPath();
      if (p.getName().startsWith("part-")) {
        parts.add(p);
      }
    }
    assertFalse(parts.isEmpty(), dataset + " has data files");
    return parts.stream().sorted().findFirst().orElseThrow();
  }

  @Test
  void oozieApplicationDeploysToHdfsAndRedeploysAtomically() throws Exception {
    java.nio.file.Path jar = REPO.resolve("jobs/target/recsv-jobs-0.1.0-SNAPSHOT-cluster.jar");
    assertTrue(Files.exists(jar), "the jobs module's cluster jar is built before the integration tests");
    try (JarFile j = new JarFile(jar.toFile())) {
      assertTrue(j.getEntry("io/recsv/merge/MergeJob.class") != null);
      assertTrue(j.getEntry("reference.conf") != null);
      assertTrue(j.getEntry("io/recsv/shaded/typesafe/config/Config.class") != null, "Typesafe Config relocated");
      assertTrue(j.stream().noneMatch(e -> e.getName().startsWith("org/apache/spark/")
          || e.getName().startsWith("org/apache/hadoop/")), "no Spark or Hadoop inside");
      // Only what a cluster runs: the benchmarks and the test fixtures are modules and jars of their own.
      assertTrue(j.stream().noneMatch(e -> e.getName().startsWith("io/recsv/bench/")
          || e.getName().startsWith("io/recsv/testing/") || e.getName().matches(".*(Test|IT|Probe)(\\$.*)?\\.class")),
          "no benchmark or test class inside");
    }
    FileSystem fs = hdfs.fs();
    Path app = new Path(hdfs.uri() + "/apps/recsv");
    List<OozieApp.Entry> entries = OozieApp.entries(REPO, jar);
    new OozieDeployer(hdfs.conf()).deploy(entries, app);
    new OozieDeployer(hdfs.conf()).deploy(entries, app);  // again: replaces the app in place
    for (OozieApp.Entry entry : entries) {
      try (InputStream in = fs.open(new Path(app, entry.target()))) {
        assertArrayEquals(Files.readAllBytes(entry.source()), in.readAllBytes(), entry.target());
      }
    }
    // Every <file> and <jar> the workflow refers to is in the deployed application.
    String workflow = Files.readString(REPO.resolve("workflows/recommendations/workflow.xml"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{wf:appPath\\(\\)}/([^#<]+)").matcher(workflow);
    int refs = 0;
    while (m.find()) {
      assertTrue(fs.exists(new Path(app, m.group(1))), "deployed: " + m.group(1));
      refs++;
    }
    assertEquals(21, refs, "each spark action's jar (6), and 15 config files (prepare's action also ships merge.conf;"
        + " evaluate's, train.conf and score.conf)");
    assertEquals(List.of("recsv"), list(fs, app.getParent()), "no staging or previous copies left");
  }

  private static List<String> list(FileSystem fs, Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (var s : fs.listStatus(dir)) {
      names.add(s.getPath().getName());
    }
    names.sort(null);
    return names;
  }
}
