package io.recsv.ops;

import io.recsv.workflow.GateVerdict;
import io.recsv.workflow.SparkSubmission;
import io.recsv.workflow.WorkflowDefinition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow DAG is generated from the Oozie application and runs the same thing: the checked-in copy is the
 * generated one; it compiles with Python; its tasks are chained in the workflow's order after the input sensor;
 * and for a week, the spark-submit command each task would run (its templates rendered with Jinja as Airflow
 * would, see dag_commands.py) equals the one Oozie runs for that week's spark action, as Oozie 5.2.1's own code
 * evaluated it (workflows/recommendations/evaluated-actions.txt, written by the engine tests).
 */
class AirflowDagTest {

  private static final Path REPO = Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void theCheckedInDagIsTheOneGeneratedFromTheOozieApplication() throws Exception {
    String generated = AirflowDag.generate(REPO.resolve("workflows/recommendations"),
        REPO.resolve("workflows/recommendations/job.properties"));
    Path checkedIn = REPO.resolve(AirflowMain.CHECKED_IN);
    String current = Files.exists(checkedIn) ? Files.readString(checkedIn) : "";
    if (!current.equals(generated)) {
      Files.writeString(REPO.resolve(AirflowMain.CHECKED_IN + ".new"), generated);
    }
    assertEquals(generated, current, AirflowMain.CHECKED_IN + " is stale: regenerate it with ./recsv airflow dag"
        + " --output " + AirflowMain.CHECKED_IN + " (the new one is beside it, .new)");
  }

  @Test
  void theDagCompilesWithPython() throws Exception {
    Output compiled = python("-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2],"
        + " doraise=True)", REPO.resolve(AirflowMain.CHECKED_IN).toString(), dir.resolve("dag.pyc").toString());
    assertEquals(0, compiled.code(), compiled.text());
  }

  @Test
  void eachTaskRunsTheSparkSubmitThatOozieRunsForTheSameWeek() throws Exception {
    // The values the engine tests gave the week 2026-11-30 (job.properties with these paths).
    Map<String, List<String>> dag = dagCommands("2026-11-30T02:00:00+00:00", "{\"app_path\": \"${appPath}\","
        + " \"input_root\": \"file:///data/interactions\", \"run_root\": \"file:///data/recsv/work\","
        + " \"output_root\": \"file:///data/recsv/published\"}");
    Map<String, SparkSubmission> oozie = oozieEvaluation();
    WorkflowDefinition workflow = WorkflowDefinition.load(REPO.resolve("workflows/recommendations/workflow.xml"));
    List<String> stages = workflow.stageNames();
    List<String> order = new ArrayList<>(List.of("input_ready"));
    for (String stage : stages) {
      order.add(stage);
      workflow.gates().stream().filter(g -> g.afterStage().equals(stage)).forEach(g -> order.add(g.action()));
    }
    assertEquals(order, dag.get("order"), "the sensor, then the workflow's stages (and its gate) in its order");
    assertTrue(dag.get("bash gate").get(0).startsWith("v=$(hdfs dfs -cat"
        + " file:///data/recsv/work/2026-11-30/evaluate/gate.properties) || exit 1;"), dag.get("bash gate").get(0));
    assertEquals(List.of("hdfs dfs -test -e file:///data/interactions/2026-11-30/_SUCCESS"), dag.get("sensor"),
        "waits for the week's input instance and its done-flag, as the coordinator");
    assertEquals(stages, List.copyOf(oozie.keySet()));
    for (String stage : stages) {
      List<String> task = dag.get("task " + stage);
      assertEquals("spark-submit", task.get(0));
      assertEquals(oozie.get(stage), SparkSubmission.parse(stage, task.subList(1, task.size())).canonical(), stage);
    }
  }

  /**
   * The gate's command, rendered for a week and run by bash on verdicts that evaluate's own writer made. The
   * {@code hdfs} command is not installed here: a script on the PATH stands in for {@code hdfs dfs -cat} of a
   * file:// path.
   */
  @Test
  void theGateLetsAPassingOrForcedWeekOnAndEndsARefusedOneWithTheKillNodesMessage() throws Exception {
    Path work = Files.createTempDirectory("recsv-gate");
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path hdfs = Files.writeString(bin.resolve("hdfs"), "#!/bin/sh\n[ \"$1 $2\" = \"dfs -cat\" ] || exit 2\n"
        + "exec cat \"${3#file://}\"\n");
    hdfs.toFile().setExecutable(true);
    Path verdict = Files.createDirectories(work.resolve("2026-11-30/evaluate")).resolve(GateVerdict.FILE);
    String runRoot = "\"run_root\": \"file://" + work + "\"";

    GateVerdict refused = new GateVerdict(GateVerdict.Verdict.FAIL,
        "ndcg@100 0.0163 is below 0.0180 (at least 1.10 x the popularity baseline's 0.0164); coverage: 0.2 < 0.5");
    try (var out = Files.newOutputStream(verdict)) {
      refused.write(out);
    }
    String gate = dagCommands("2026-11-30T02:00:00+00:00", "{" + runRoot + "}").get("bash gate").get(0);
    Output ran = bash(gate, bin);
    assertEquals(1, ran.code(), ran.text());
    assertEquals("recsv week 2026-11-30 not published: its quality gate refused it: " + refused.reason(),
        ran.text().trim(), "the Oozie kill node's message");
    String forced = dagCommands("2026-11-30T02:00:00+00:00", "{" + runRoot + ", \"gate_force\": \"true\"}")
        .get("bash gate").get(0);
    assertEquals(0, bash(forced, bin).code());

    try (var out = Files.newOutputStream(verdict)) {
      new GateVerdict(GateVerdict.Verdict.PASS, "every rule passed").write(out);
    }
    assertEquals(0, bash(gate, bin).code());
  }

  @Test
  void aKerberosPrincipalAndKeytabGoToSparkSubmitWhenGiven() throws Exception {
    List<String> plain = dagCommands("2026-11-30T02:00:00+00:00", "{}").get("task prepare");
    assertTrue(!plain.contains("--principal") && !plain.contains("--keytab"), plain.toString());
    List<String> kerberized = dagCommands("2026-11-30T02:00:00+00:00", "{\"kerberos_principal\": \"recsv@EXAMPLE.COM\","
        + " \"kerberos_keytab\": \"/etc/security/keytabs/recsv.keytab\"}").get("task prepare");
    assertEquals("recsv@EXAMPLE.COM", kerberized.get(kerberized.indexOf("--principal") + 1));
    assertEquals("/etc/security/keytabs/recsv.keytab", kerberized.get(kerberized.indexOf("--keytab") + 1));
  }

  private static Output bash(String command, Path bin) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    return new Output(p.exitValue(), text);
  }

  @Test
  void theRunIdIsTheWeekOozieGivesItNotTheStartOfAirflowsInterval() throws Exception {
    Map<String, List<String>> dag = dagCommands("2026-12-07T02:00:00+00:00", "{}");
    List<String> prepare = dag.get("task prepare");
    assertTrue(prepare.contains("run.id=2026-12-07"), prepare.toString());
    assertTrue(prepare.contains("prepare.input=hdfs://namenode:8020/data/interactions/2026-12-07"), prepare.toString());
  }

  /**
   * The DAG imports under each Airflow line's module layout, and gives that line the SLA it has: Airflow 2 an SLA
   * on the publishing task, 3.1 a deadline alert on the run (its callback e-mails on-call), 3.0 neither; the
   * published CSVs a Dataset or an Asset. Airflow cannot be installed here: dag_import.py stands in for the names
   * the DAG imports, laid out as each line lays them out.
   */
  @ParameterizedTest
  @ValueSource(strings = {"2.10", "3.0", "3.1"})
  void theDagImportsUnderAirflow2And3WithTheSlaEachHas(String line) throws Exception {
    Path script = Path.of(AirflowDagTest.class.getResource("/dag_import.py").toURI());
    Output out = python(script.toString(), REPO.resolve(AirflowMain.CHECKED_IN).toString(), line);
    assertEquals(0, out.code(), out.text());
    Map<String, String> got = new LinkedHashMap<>();
    for (String l : out.text().split("\n")) {
      if (l.contains("\t")) {
        got.put(l.substring(0, l.indexOf('\t')), l.substring(l.indexOf('\t') + 1));
      }
    }
    boolean two = line.startsWith("2.");
    assertEquals(two ? "Dataset" : "Asset", got.get("asset_class"));
    assertEquals("hdfs://namenode:8020/data/recsv/published", got.get("published"), "the output root");
    assertEquals("hdfs://namenode:8020/data/interactions", got.get("input"), "the input root");
    assertEquals(two ? "6:00:00" : "None", got.get("merge_sla"), "slaShouldEndMinutes = 360, on Airflow 2 only");
    assertEquals("[]", got.get("other_slas"));
    assertEquals(line.equals("3.1") ? "DAGRUN_LOGICAL_DATE + 6:00:00" : "none", got.get("deadline"));
    if (line.equals("3.1")) {
      assertTrue(got.get("mail").startsWith("recsv-oncall@example.com\t[recsv] SLA end miss\t"), got.get("mail"));
    } else {
      assertFalse(got.containsKey("mail"));
    }
  }

  /** What the DAG's tasks run for the week ending at {@code weekEnd}: "order", "sensor", "task STAGE". */
  private Map<String, List<String>> dagCommands(String weekEnd, String params) throws Exception {
    Path script = Path.of(AirflowDagTest.class.getResource("/dag_commands.py").toURI());
    Output out = python(script.toString(), REPO.resolve(AirflowMain.CHECKED_IN).toString(), weekEnd, params);
    assertEquals(0, out.code(), "python3 with jinja2 (this machine's image has both): " + out.text());
    Map<String, List<String>> lines = new LinkedHashMap<>();
    for (String line : out.text().split("\n")) {
      List<String> fields = Arrays.asList(line.split("\t", -1));
      if (fields.get(0).equals("task") || fields.get(0).equals("bash")) {
        lines.put(fields.get(0) + " " + fields.get(1), fields.subList(2, fields.size()));
      } else {
        lines.put(fields.get(0), fields.subList(1, fields.size()));
      }
    }
    return lines;
  }

  /** The spark actions as Oozie evaluated them for the week 2026-11-30, by stage. */
  private static Map<String, SparkSubmission> oozieEvaluation() throws IOException {
    Map<String, SparkSubmission> actions = new LinkedHashMap<>();
    Map<String, List<String>> fields = null;
    String stage = null;
    List<String> lines = new ArrayList<>(Files.readAllLines(
        REPO.resolve("workflows/recommendations/evaluated-actions.txt")));
    lines.add("[end]");
    for (String line : lines) {
      if (line.startsWith("[")) {
        if (stage != null) {
          actions.put(stage, fromAction(stage, fields));
        }
        stage = line.substring(1, line.length() - 1);
        fields = new LinkedHashMap<>();
      } else if (fields != null && line.contains("=")) {
        fields.computeIfAbsent(line.substring(0, line.indexOf('=')), k -> new ArrayList<>())
            .add(line.substring(line.indexOf('=') + 1));
      }
    }
    return actions;
  }

  /** An action of evaluated-actions.txt as the spark-submit command line Oozie's SparkMain builds from it. */
  private static SparkSubmission fromAction(String stage, Map<String, List<String>> action) {
    List<String> line = new ArrayList<>(List.of("--master", action.get("master").get(0), "--deploy-mode",
        action.get("mode").get(0), "--name", action.get("name").get(0), "--class", action.get("class").get(0)));
    line.addAll(List.of(action.get("spark-opts").get(0).trim().split("\\s+")));
    line.addAll(List.of("--files", String.join(",", action.get("file"))));
    line.add(action.get("jar").get(0));
    line.addAll(action.get("arg"));
    return SparkSubmission.parse(stage, line).canonical();
  }

  private record Output(int code, String text) {}

  private static Output python(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Output(p.exitValue(), text);
  }
}
