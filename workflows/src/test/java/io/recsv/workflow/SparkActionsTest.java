package io.recsv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The spark actions as {@link SparkActions} evaluates them are what Oozie 5.2.1's own engine evaluated for the same
 * week and properties (evaluated-actions.txt, written by integration-tests/oozie): so what the YARN tests and
 * {@code ./recsv run --master yarn} submit is what Oozie's spark actions submit.
 */
class SparkActionsTest {

  private static final Path REPO = Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();
  private static final Path APP = REPO.resolve("workflows/recommendations");

  /** job.properties with what the engine test gave the week 2026-11-30, and what its coordinator adds. */
  private static Properties week() throws Exception {
    return JobProperties.with(JobProperties.load(APP.resolve("job.properties")), Map.of("nameNode", "file://",
        "appPath", "${APP}", "APP", "@appPath@", "inputRoot", "file:///data/interactions",
        "runRoot", "file:///data/recsv/work", "outputRoot", "file:///data/recsv/published",
        "runId", "2026-11-30", "inputPath", "file:///data/interactions/2026-11-30"));
  }

  @Test
  void eachActionIsWhatOoziesEngineEvaluatedForTheSameWeek() throws Exception {
    StringBuilder record = new StringBuilder();
    for (SparkSubmission s : SparkActions.evaluate(WorkflowDefinition.load(APP.resolve("workflow.xml")), week())) {
      record.append("\n[").append(s.stage()).append("]\n");
      record.append("master=").append(s.master()).append('\n');
      record.append("mode=").append(s.deployMode()).append('\n');
      record.append("name=").append(s.name()).append('\n');
      record.append("class=").append(s.mainClass()).append('\n');
      record.append("spark-opts=").append(String.join(" ", s.sparkOpts())).append('\n');
      record.append("jar=").append(s.jar()).append('\n');
      s.files().forEach(f -> record.append("file=").append(f).append('\n'));
      s.args().forEach(a -> record.append("arg=").append(a).append('\n'));
    }
    String engine = Files.readString(APP.resolve("evaluated-actions.txt"));
    assertEquals(engine.substring(engine.indexOf("\n[")), record.toString().replace("@appPath@", "${appPath}"));
  }

  @Test
  void theCommandLineIsSparkSubmitsAndOverridesComeLast() throws Exception {
    SparkSubmission merge = SparkActions.evaluate(WorkflowDefinition.load(APP.resolve("workflow.xml")), week())
        .get(5).withSparkOpts(List.of("--conf", "spark.yarn.jars=hdfs:///spark/*.jar")).withArgs(List.of("a=b"));
    List<String> line = merge.arguments();
    assertEquals(List.of("--master", "yarn", "--deploy-mode", "cluster", "--name", "recsv-merge-2026-11-30",
        "--class", "io.recsv.merge.MergeJob", "--driver-memory", "1g"), line.subList(0, 10));
    int jar = line.indexOf("@appPath@/lib/recsv-jobs-cluster.jar");
    assertEquals(List.of("--conf", "spark.yarn.jars=hdfs:///spark/*.jar", "--files",
        "@appPath@/config/stages/merge.conf#merge.conf,@appPath@/config/env/cluster.conf#cluster.conf"),
        line.subList(jar - 4, jar));
    assertEquals("a=b", line.get(line.size() - 1));
    assertTrue(line.contains("evaluate.gate.force=false"));
  }

  @Test
  void aPropertyNobodyDefinesIsAnErrorNotAnEmptyString() throws Exception {
    Properties job = week();
    job.remove("runRoot");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkActions.evaluate(WorkflowDefinition.load(APP.resolve("workflow.xml")), job));
    assertEquals("job.properties defines no 'runRoot', and the workflow has no default", e.getMessage());
  }
}
