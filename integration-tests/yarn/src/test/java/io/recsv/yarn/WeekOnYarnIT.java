package io.recsv.yarn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.generate.Generator;
import io.recsv.merge.CsvManifest;
import io.recsv.merge.Strategy;
import io.recsv.ops.OozieApp;
import io.recsv.ops.OozieDeployer;
import io.recsv.workflow.SparkActions;
import io.recsv.workflow.SparkSubmission;
import io.recsv.workflow.WorkflowDefinition;
import io.recsv.yarn.SparkJars;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The week on a real YARN: the Oozie application deployed to HDFS by deploy's own code, each stage submitted in
 * cluster deploy mode exactly as the workflow's spark action is evaluated for the week (class, args, files with
 * their links, the jar, spark-opts; Spark's jars from HDFS as an Oozie sharelib gives them), the quality gate's
 * java main between evaluate and train; the generated Airflow DAG's tasks submit the same. Each stage is a YARN
 * application that succeeds in the workflow's queue with its executors in NodeManager containers; the CSV is merged
 * by concat and is byte for byte the one {@code ./recsv run} makes from the same input and settings on local Spark.
 * Then {@code ./recsv run --master yarn} from an edge node, through faults, gives the same CSV.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WeekOnYarnIT {

  static final Path REPO = Path.of(System.getProperty("recsv.repo.root", "../..")).toAbsolutePath().normalize();
  static final String WEEK = "2026-11-30";
  /** Resources for the mini cluster's nodes, as an operator sets them in job.properties. */
  static final String SPARK_OPTS = "--driver-memory 512m --executor-memory 512m --num-executors 2 --executor-cores 1";

  /**
   * The operator's cluster.conf for this cluster (deployed in place of config/env/cluster.conf). The local run
   * reads the same file, so both runs have the same settings: partitions, blocks and parts decide which user gets
   * which index and where each row goes.
   */
  static final String SITE_CONF = """
      spark {
        master = ""
        conf { "spark.sql.shuffle.partitions" = 4 }
      }
      merge.permission = "644"
      export.parts = 3
      train { rank = 8, max-iter = 6, user-blocks = 2, item-blocks = 2 }
      score.k = 10
      """;

  static MiniCluster cluster;
  static Path work;
  static SparkSubmitProcess submit;
  static Path localCsv;
  /** The glob of Spark's jars on HDFS. */
  static String sparkJars;
  /** Where the edge node's runs keep their work and CSV, on HDFS. */
  static final String EDGE = "/data/edge";

  @BeforeAll
  static void start() throws Exception {
    // In the module's target/: the logs of every submission stay there for a look after a failure.
    work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "yarn-it-").toAbsolutePath();
    cluster = new MiniCluster();
    submit = new SparkSubmitProcess(REPO, cluster, work.resolve("logs"));
    Path site = Files.writeString(work.resolve("cluster.conf"), SITE_CONF);
    // The app as `recsv oozie deploy` lays it out, with this cluster's cluster.conf.
    List<OozieApp.Entry> entries = new ArrayList<>();
    for (OozieApp.Entry e : OozieApp.entries(REPO, clusterJar())) {
      entries.add(e.target().equals("config/env/cluster.conf") ? new OozieApp.Entry(site, e.target()) : e);
    }
    new OozieDeployer(cluster.conf()).deploy(entries, new org.apache.hadoop.fs.Path(cluster.hdfs() + "/apps/recsv"));
    // Spark's jars on HDFS, as an Oozie sharelib (or spark.yarn.jars on a cluster) provides them: staged where
    // ./recsv run --master yarn stages them for the edge node's runs below (which then find them there).
    FileSystem fs = cluster.fs();
    sparkJars = SparkJars.stage(cluster.conf(), new org.apache.hadoop.fs.Path(EDGE + "/work/.recsv-spark"),
        submit.sparkJars());
    Path input = work.resolve("interactions.csv");
    new Generator(600, 120, 12, 7).write(new Configuration(), input.toString());
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(input.toUri()),
        new org.apache.hadoop.fs.Path("/data/interactions/" + WEEK + "/interactions.csv"));
    localCsv = localRun(input, site);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Path clusterJar() {
    return REPO.resolve("jobs/target/recsv-jobs-0.1.0-SNAPSHOT-cluster.jar");
  }

  /** job.properties as an operator of this cluster would write it, for the week {@code runId}. */
  static Properties job(String runId) throws Exception {
    Properties job = new Properties();
    try (var in = Files.newBufferedReader(REPO.resolve("workflows/recommendations/job.properties"))) {
      job.load(in);
    }
    job.put("nameNode", cluster.hdfs());
    job.put("resourceManager", cluster.conf().get("yarn.resourcemanager.address"));
    job.put("queueName", "recsv");
    job.put("sparkJavaHome", System.getProperty("java.home"));
    job.put("runId", runId);
    job.put("inputPath", "${inputRoot}/" + WEEK);
    for (String stage : List.of("Prepare", "Train", "Score", "Evaluate", "Export")) {
      job.put("sparkOpts" + stage, SPARK_OPTS);
    }
    job.put("sparkOptsMerge", "--driver-memory 512m --executor-memory 512m --num-executors 1");
    return job;
  }

  /** The week's spark actions as the workflow evaluates them for this cluster. */
  static Map<String, SparkSubmission> evaluated(String runId) throws Exception {
    Map<String, SparkSubmission> byStage = new LinkedHashMap<>();
    SparkActions.evaluate(workflow(), job(runId)).forEach(s -> byStage.put(s.stage(), s));
    return byStage;
  }

  /**
   * What the Airflow DAG's tasks run for the week: the DAG generated by {@code ./recsv airflow dag} from this
   * cluster's job.properties, each SparkSubmitOperator's spark-submit command rendered as Airflow's Spark provider
   * builds it (workflows' dag_commands.py: the operator's arguments, Jinja for the week).
   */
  static Map<String, SparkSubmission> airflowCommands(String runId) throws Exception {
    Path properties = work.resolve("job-" + runId + ".properties");
    try (var out = Files.newBufferedWriter(properties)) {
      job(runId).store(out, "this cluster");
    }
    Path dag = work.resolve("recsv_weekly.py");
    Process generate = new ProcessBuilder(REPO.resolve("recsv").toString(), "airflow", "dag", "--properties",
        properties.toString(), "--output", dag.toString()).redirectErrorStream(true).start();
    String generated = new String(generate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, generate.waitFor(), generated);
    Process render = new ProcessBuilder("python3", REPO.resolve("workflows/src/test/resources/dag_commands.py")
        .toString(), dag.toString(), runId + "T02:00:00+00:00", "{}").redirectErrorStream(true).start();
    String rendered = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, render.waitFor(), "python3 with jinja2: " + rendered);
    Map<String, SparkSubmission> byStage = new LinkedHashMap<>();
    for (String line : rendered.split("\n")) {
      List<String> fields = List.of(line.split("\t", -1));
      if (fields.get(0).equals("task")) {
        assertEquals("spark-submit", fields.get(2), line);
        byStage.put(fields.get(1), SparkSubmission.parse(fields.get(1), fields.subList(3, fields.size())));
      }
    }
    return byStage;
  }

  static WorkflowDefinition workflow() {
    return WorkflowDefinition.load(REPO.resolve("workflows/recommendations/workflow.xml"));
  }

  @Test
  @Order(1)
  void theWeekRunsOnYarnStageByStageAsTheWorkflowSubmitsItAndGivesTheLocalCsv() throws Exception {
    WorkflowDefinition workflow = workflow();
    Map<String, SparkSubmission> evaluated = evaluated(WEEK);
    // The Airflow DAG's tasks submit the same: class, jar, arguments, files, resources, queue, Spark properties.
    Map<String, SparkSubmission> airflow = airflowCommands(WEEK);
    assertEquals(evaluated.keySet(), airflow.keySet());
    evaluated.forEach((stage, s) -> assertEquals(s.canonical(), airflow.get(stage).canonical(), stage));
    Map<String, SparkSubmission> actions = new LinkedHashMap<>();
    evaluated.forEach((stage, s) -> actions.put(stage, s.withSparkOpts(List.of("--conf", "spark.yarn.jars=" + sparkJars))));
    Map<String, Long> submitMillis = new LinkedHashMap<>();
    for (SparkSubmission action : actions.values()) {
      long t0 = System.nanoTime();
      assertEquals(0, submit.run(action), action.stage() + ": spark-submit failed; its log: "
          + submit.log(action.name()));
      submitMillis.put(action.stage(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      // The merge runs in the driver (on HDFS a concat): it has no tasks.
      assertRanOnYarn(action, !action.stage().equals("merge"));
      for (WorkflowDefinition.Gate gate : workflow.gates()) {
        if (gate.afterStage().equals(action.stage())) {
          assertEquals("true", runGate(gate, WEEK).getProperty("publish"), "the gate lets the week publish");
        }
      }
    }
    printOverheads(submitMillis);

    String csv = cluster.hdfs() + "/data/recsv/published/" + WEEK + "/recommendations.csv";
    FileSystem fs = cluster.fs();
    CsvManifest manifest = CsvManifest.readIfExists(fs, new org.apache.hadoop.fs.Path(csv));
    assertEquals(Strategy.CONCAT, manifest.strategy(), "merged on HDFS by concat");
    byte[] bytes = read(fs, csv);
    assertContract(bytes, 10);
    assertEquals(manifest.rows(), new String(bytes, StandardCharsets.UTF_8).split("\n").length - 1L);
    assertArrayEquals(Files.readAllBytes(localCsv), bytes, "the CSV on YARN is the local run's, byte for byte");
  }

  /**
   * {@code ./recsv run --master yarn} from an edge node (HADOOP_CONF_DIR, no SPARK_HOME: recsv's own Spark jars are
   * staged on HDFS once), with faults: an executor killed mid-evaluate, the NodeManager without the
   * ApplicationMaster lost mid-train, the ApplicationMaster killed mid-score (the run fails, naming the application;
   * the rerun takes the dead driver's lock over, asks the gate and publishes), an executor killed mid-export. The CSV is the local run's.
   * Last: the cluster has one NodeManager after it.
   */
  /**
   * Oozie 5.2.1's own spark action main drives Spark 3.5 on YARN, from the sharelib {@code ./recsv oozie sharelib}
   * builds on HDFS (Spark's jars, the two Hadoop jars Maven's spark-yarn lacks, oozie-sharelib-spark 5.2.1's
   * SparkMain, and a spark-defaults.conf naming the sharelib's jars as spark.yarn.jars). SparkMain runs as the
   * launcher runs it: in a working directory of its own into which the sharelib is localized, with Oozie's launcher
   * classes, the action configuration SparkActionExecutor writes (master, mode, name, class, jar, spark-opts; the
   * {@code <file>}s as the action's cache files) and the launcher's system properties. It submits the week's prepare
   * in cluster mode, with Spark's jars from the sharelib's spark-defaults.conf; the stage succeeds on YARN, and the
   * application's id is in the externalChildIDs file, where Oozie's launcher reads it to link the action to its YARN
   * application. (The launcher itself, Oozie's LauncherAM, and the server that writes this configuration are the
   * engine module's.)
   */
  @Test
  @Order(2)
  void ooziesOwnSparkMainSubmitsAStageFromTheSharelibRecsvBuilds() throws Exception {
    String sharelib = cluster.hdfs() + "/user/oozie/share/lib/lib_20261206000000/spark3";
    Process build = new ProcessBuilder(REPO.resolve("recsv").toString(), "oozie", "sharelib", "--output", sharelib,
        "--event-log-dir", cluster.hdfs() + "/spark-history").redirectErrorStream(true).start();
    String built = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, build.waitFor(), built);
    FileSystem fs = cluster.fs();
    fs.mkdirs(new org.apache.hadoop.fs.Path("/spark-history"));  // Spark's event log directory must exist
    String defaults = new String(read(fs, sharelib + "/spark-defaults.conf"), StandardCharsets.UTF_8);
    assertTrue(defaults.contains("spark.yarn.jars " + sharelib + "/*.jar"), defaults);

    String runId = "oozie-sparkmain";
    SparkSubmission prepare = evaluated(runId).get("prepare");
    Path launcher = Files.createDirectories(work.resolve("launcher-" + runId));
    List<String> classpath = new ArrayList<>();
    for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(new org.apache.hadoop.fs.Path(sharelib))) {
      Path local = launcher.resolve(f.getPath().getName());  // the launcher's localized sharelib
      fs.copyToLocalFile(f.getPath(), new org.apache.hadoop.fs.Path(local.toUri()));
      if (local.toString().endsWith(".jar")) {
        classpath.add(local.toString());
      }
    }
    assertTrue(classpath.stream().anyMatch(j -> j.contains("oozie-sharelib-spark-5.2.1")), classpath.toString());
    try (var jars = Files.list(Path.of("target/oozie-launcher"))) {
      jars.forEach(j -> classpath.add(j.toAbsolutePath().toString()));
    }
    Configuration action = new Configuration(false);
    action.set("oozie.spark.master", prepare.master());
    action.set("oozie.spark.mode", prepare.deployMode());
    action.set("oozie.spark.name", prepare.name());
    action.set("oozie.spark.class", prepare.mainClass());
    action.set("oozie.spark.jar", prepare.jar());
    action.set("oozie.spark.spark-opts", String.join(" ", prepare.sparkOpts()));
    action.set("mapreduce.job.cache.files", String.join(",", prepare.files()));
    try (var out = Files.newOutputStream(launcher.resolve("action.xml"))) {
      action.writeXml(out);
    }
    Path childIds = launcher.resolve("externalChildIDs");
    List<String> launcherProperties = List.of(
        "-Doozie.action.conf.xml=" + launcher.resolve("action.xml"),
        "-Doozie.launcher.job.id=application_0_0000",
        "-Doozie.job.launch.time=" + System.currentTimeMillis(),
        "-Doozie.action.externalChildIDs=" + childIds,
        "-Doozie.action.output.properties=" + launcher.resolve("output.properties"),
        "-Doozie.action.stats.properties=" + launcher.resolve("stats.properties"));
    int code = submit.runIn(launcher, "org.apache.oozie.action.hadoop.SparkMain", prepare.args(),
        "sparkmain-" + runId, classpath, launcherProperties);
    String log = submit.log("sparkmain-" + runId);
    assertEquals(0, code, "SparkMain failed; its log: " + log);
    // spark-submit --verbose lists the properties it used: Spark's jars are the sharelib's, from its defaults file.
    assertTrue(log.contains("(spark.yarn.jars," + sharelib + "/*.jar)"), "Spark's jars from the sharelib's defaults");
    ApplicationReport app = cluster.application(prepare.name());
    assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus());
    // LauncherMain writes the ids it finds in Spark's log in MapReduce's form (job_, not application_), as Oozie
    // links an action to its child YARN applications.
    assertEquals(app.getApplicationId().toString().replace("application_", "job_"),
        Files.readString(childIds).trim(), "the application's id, where Oozie's launcher reads it");
    assertEquals("recsv", app.getQueue(), "the workflow's queue");
    // SparkMain's own log4j settings quiet Spark's task lines in the containers' logs: count the containers instead
    // (the ApplicationMaster and the two executors the spark-opts ask for).
    assertEquals(3, cluster.containers(app.getApplicationId()).size(), "the ApplicationMaster and two executors");
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/data/recsv/work/" + runId + "/prepare/_lineage.json")),
        "prepare published its output");
  }

  @Test
  @Order(3)
  void theLauncherRunsTheWeekOnYarnThroughFaultsAndGivesTheLocalCsv() throws Exception {
    String week = "2026-12-07";
    String root = cluster.hdfs() + EDGE;
    List<String> command = new ArrayList<>(List.of(REPO.resolve("recsv").toString(), "run", "--master", "yarn",
        "--queue", "recsv", "--input", cluster.hdfs() + "/data/interactions/" + WEEK, "--work", root + "/work",
        "--output", root + "/published/recommendations.csv", "--run-id", week,
        "--config", work.resolve("cluster.conf").toString(), "-D", "run.progress-every=5s"));
    for (String conf : List.of("spark.driver.memory=512m", "spark.executor.memory=512m",
        "spark.executor.instances=2", "spark.executor.cores=1",
        // With one node left a stage gets one executor of two: start with it rather than wait 30 s for the other.
        "spark.scheduler.minRegisteredResourcesRatio=0.5")) {
      command.addAll(List.of("--conf", conf));
    }
    Faults faults = new Faults(cluster);
    Process first = launcher(command, "edge-run-1");
    faults.watching(first, work.resolve("logs/edge-run-1.log"));

    ApplicationReport evaluate = faults.running("recsv-evaluate-" + week);
    faults.kill(faults.executorThatRanATask(evaluate));

    ApplicationReport train = faults.running("recsv-train-" + week);
    int amNode = faults.applicationMaster(train).node();
    faults.executorThatRanATask(train);
    long onLostNode = cluster.containers(train.getApplicationId()).stream()
        .filter(c -> c.node() != amNode && !c.isApplicationMaster()).count();
    assertTrue(onLostNode > 0, "an executor of train runs on the node to be lost (two containers a node)");
    faults.loseNode(1 - amNode);

    ApplicationReport score = faults.running("recsv-score-" + week);
    faults.executorThatRanATask(score);
    faults.kill(faults.applicationMaster(score));
    assertEquals(2, SparkSubmitProcess.await(first), () -> log("edge-run-1"));
    String failure = log("edge-run-1");
    assertTrue(failure.contains("recsv: stage score: YARN application " + score.getApplicationId()
        + " ended FAILED: ") && failure.contains("; its logs: yarn logs -applicationId "
        + score.getApplicationId()), failure);
    assertEquals(List.of("recsv: stage score: YARN application " + score.getApplicationId()), failure.lines()
        .filter(line -> !line.startsWith("[") && !line.startsWith("quality gate: ") && !line.startsWith("  "))
        .map(line -> line.replaceFirst(" ended FAILED.*", "")).toList(),
        "besides the stages' own lines and the gate's, the failure is one line (no Spark report, no stack trace)");
    FileSystem fs = cluster.fs();
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(root + "/work/" + week + "/score")),
        "the killed score published nothing");

    // The rerun, as Oozie's retry or on-call starts it: the dead driver's lock is taken over.
    List<String> rerun = new ArrayList<>(command);
    rerun.addAll(List.of("--from", "score"));
    Process second = launcher(rerun, "edge-run-2");
    faults.watching(second, work.resolve("logs/edge-run-2.log"));
    ApplicationReport export = faults.running("recsv-export-" + week);
    faults.kill(faults.executorThatRanATask(export));
    assertEquals(0, SparkSubmitProcess.await(second), () -> log("edge-run-2"));

    for (String stage : List.of("evaluate", "train", "export", "merge")) {
      ApplicationReport app = cluster.application("recsv-" + stage + "-" + week);
      assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), stage);
      assertEquals("recsv", app.getQueue(), stage);
    }
    String edgeLog = log("edge-run-2");
    assertTrue(edgeLog.contains("[export] ") && edgeLog.contains("YARN application application_"), edgeLog);
    assertTrue(edgeLog.contains("quality gate: pass"), "a run from score asks the gate first: " + edgeLog);
    String csv = root + "/published/recommendations.csv";
    assertEquals(Strategy.CONCAT, CsvManifest.readIfExists(fs, new org.apache.hadoop.fs.Path(csv)).strategy());
    assertArrayEquals(Files.readAllBytes(localCsv), read(fs, csv), "through the faults, the local run's CSV");
    assertEquals(1, fs.listStatus(new org.apache.hadoop.fs.Path(root + "/work/.recsv-spark")).length,
        "Spark's jars staged once on HDFS, and found there by every later stage and run");
    printFaultCosts(week, Map.of("evaluate", "an executor killed (SIGKILL) after its first task",
        "train", "the NodeManager without the ApplicationMaster lost after a task",
        "score", "the ApplicationMaster killed (SIGKILL) after a task: the stage failed; the rerun took its lock",
        "export", "an executor killed (SIGKILL) after its first task, on the one node left"));
  }

  /** What each fault cost its stage: the seconds its applications ran, against the undisturbed week's. */
  static void printFaultCosts(String week, Map<String, String> faults) throws Exception {
    StringBuilder out = new StringBuilder(String.format("[yarn] faults: seconds each stage's YARN applications"
        + " ran (the ResourceManager's start to finish)%n  %-9s %11s %11s  %s%n", "stage", "undisturbed",
        "with fault", "fault"));
    for (String stage : workflow().stageNames()) {
      double undisturbed = seconds(cluster.applications("recsv-" + stage + "-" + WEEK));
      List<ApplicationReport> apps = cluster.applications("recsv-" + stage + "-" + week);
      out.append(String.format("  %-9s %11.1f %11.1f  %s%n", stage, undisturbed, seconds(apps),
          faults.getOrDefault(stage, "none") + (apps.size() > 1 ? " (" + apps.size() + " applications)" : "")));
    }
    System.out.print(out);
  }

  private static double seconds(List<ApplicationReport> apps) {
    return apps.stream().mapToLong(a -> a.getFinishTime() - a.getStartTime()).sum() / 1000.0;
  }

  /**
   * The benchmark of this module (printed, not asserted): each stage of the undisturbed week on YARN against the same
   * stage of the local run, and where YARN's time goes, from the ResourceManager's record of each application
   * (submitted, its ApplicationMaster launched, finished) and the spark-submit process around it.
   */
  static void printOverheads(Map<String, Long> submitMillis) throws Exception {
    Map<String, Double> local = new LinkedHashMap<>();
    for (String line : log("local-run").split("\n")) {
      if (line.startsWith("seconds:")) {
        String[] f = line.substring("seconds:".length()).trim().split("\\s+");
        for (int i = 0; i + 1 < f.length && !f[i].startsWith("("); i += 2) {
          local.put(f[i], Double.parseDouble(f[i + 1]));
        }
      }
    }
    StringBuilder out = new StringBuilder(String.format("[yarn] the week %s, seconds per stage%n"
        + "  %-9s %7s %7s %10s %10s %11s %8s%n", WEEK, "stage", "local", "YARN", "spark-submit", "to AM start",
        "AM to end", "ratio"));
    double totalLocal = 0;
    double totalYarn = 0;
    for (Map.Entry<String, Long> e : submitMillis.entrySet()) {
      ApplicationReport app = cluster.application("recsv-" + e.getKey() + "-" + WEEK);
      double yarn = e.getValue() / 1000.0;
      double toAm = (app.getLaunchTime() - app.getStartTime()) / 1000.0;
      double amToEnd = (app.getFinishTime() - app.getLaunchTime()) / 1000.0;
      double client = yarn - (app.getFinishTime() - app.getStartTime()) / 1000.0;
      double here = local.getOrDefault(e.getKey(), Double.NaN);
      totalLocal += here;
      totalYarn += yarn;
      out.append(String.format("  %-9s %7.1f %7.1f %10.1f %10.1f %11.1f %7.1fx%n", e.getKey(), here, yarn, client,
          toAm, amToEnd, yarn / here));
    }
    out.append(String.format("  %-9s %7.1f %7.1f %43.1fx%n", "total", totalLocal, totalYarn, totalYarn / totalLocal));
    out.append("  local: ./recsv run --master local[2], in one JVM (the report's stage seconds); YARN: spark-submit's"
        + " process from start to end; spark-submit: its JVM, staging and waiting outside the application; to AM"
        + " start: accepted, scheduled, the AM container localized and launched; AM to end: the driver's JVM, Spark"
        + " and its executors started, the stage, the shutdown.\n");
    System.out.print(out);
  }

  static Process launcher(List<String> command, String logName) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve("logs/" + logName + ".log").toFile());
    builder.environment().put("HADOOP_CONF_DIR", cluster.confDir().toString());
    builder.environment().remove("SPARK_HOME");
    return builder.start();
  }

  /** The gate's java action: GateMain with its evaluated argument, output captured as Oozie captures it. */
  static Properties runGate(WorkflowDefinition.Gate gate, String runId) throws Exception {
    Path output = work.resolve("gate-" + runId + ".properties");
    String file = SparkActions.verdictFile(gate, workflow(), job(runId));
    assertEquals(0, submit.runJavaMain(clusterJar(), WorkflowDefinition.GATE_MAIN, List.of(file), "gate-" + runId,
        List.of("-Doozie.action.output.properties=" + output)), () -> log("gate-" + runId));
    Properties captured = new Properties();
    try (var in = Files.newBufferedReader(output)) {
      captured.load(in);
    }
    return captured;
  }

  static String log(String name) {
    try {
      return submit.log(name);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * The stage was one YARN application that succeeded in the workflow's queue, its driver in the
   * ApplicationMaster's container and its tasks run by executors in NodeManager containers.
   */
  static void assertRanOnYarn(SparkSubmission action, boolean runsTasks) throws Exception {
    ApplicationReport app = cluster.application(action.name());
    assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), action.stage());
    assertEquals("recsv", app.getQueue(), action.stage() + ": the workflow's queue");
    List<MiniCluster.Container> containers = cluster.containers(app.getApplicationId());
    assertTrue(containers.stream().anyMatch(MiniCluster.Container::isApplicationMaster), action.stage());
    List<MiniCluster.Container> ranTasks = new ArrayList<>();
    for (MiniCluster.Container c : containers) {
      if (!c.isApplicationMaster() && c.stderr().contains("Finished task")) {
        ranTasks.add(c);
      }
    }
    assertEquals(runsTasks, !ranTasks.isEmpty(), action.stage() + ": executor containers that ran tasks: " + ranTasks
        + " of " + containers);
    if (runsTasks) {
      // Two containers a node: the ApplicationMaster and its two executors cannot all be on one.
      assertEquals(MiniCluster.NODES, containers.stream().map(MiniCluster.Container::node).distinct().count(),
          action.stage() + ": its containers on both nodes: " + containers);
    }
  }

  static byte[] read(FileSystem fs, String path) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return in.readAllBytes();
    }
  }

  /** The CSV contract: one header, k rows a user at most, users contiguous, plain ids, fixed decimals. */
  static void assertContract(byte[] csv, int k) {
    String[] lines = new String(csv, StandardCharsets.UTF_8).split("\n", -1);
    assertEquals("user_id,product_id,score", lines[0]);
    assertEquals("", lines[lines.length - 1], "ends with one newline");
    Set<String> done = new HashSet<>();
    String current = null;
    int rows = 0;
    for (int i = 1; i < lines.length - 1; i++) {
      assertTrue(lines[i].matches("\\d+,\\d+,[01]\\.\\d{4}"), lines[i]);
      String user = lines[i].substring(0, lines[i].indexOf(','));
      if (!user.equals(current)) {
        assertTrue(current == null || rows == k, "user " + current + " has " + rows + " rows");
        assertTrue(done.add(user), "user " + user + " is contiguous");
        current = user;
        rows = 0;
      }
      rows++;
    }
    assertTrue(done.size() > 500, done.size() + " users");
  }

  /** {@code ./recsv run} on this machine, local Spark, the same input and settings; the CSV it publishes. */
  static Path localRun(Path input, Path site) throws Exception {
    Path out = work.resolve("local/recommendations.csv");
    Process p = new ProcessBuilder(REPO.resolve("recsv").toString(), "run", "--input", input.toString(),
        "--output", out.toString(), "--work", work.resolve("local-work").toString(), "--run-id", WEEK,
        "--config", site.toString(), "--master", "local[2]", "--quiet")
        .redirectErrorStream(true).redirectOutput(work.resolve("logs/local-run.log").toFile()).start();
    assertTrue(p.waitFor(20, TimeUnit.MINUTES), "./recsv run did not end within 20 minutes");
    assertEquals(0, p.exitValue(), () -> log("local-run"));
    return out;
  }
}
