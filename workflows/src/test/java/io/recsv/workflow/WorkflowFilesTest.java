package io.recsv.workflow;

import io.recsv.ops.OozieSchemas;
import io.recsv.ops.Reruns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Oozie application as shipped: valid against the official XSDs, complete, and read the same everywhere. */
class WorkflowFilesTest {

  private static final Path REPO = Path.of(System.getProperty("recsv.repo.root", "..")).toAbsolutePath().normalize();
  private static final Path APP = REPO.resolve("workflows/recommendations");

  @TempDir
  Path dir;

  @Test
  void workflowAndCoordinatorAreValidAgainstTheOozieSchemas() {
    assertEquals(List.of(), OozieSchemas.workflowErrors(APP.resolve("workflow.xml")));
    assertEquals(List.of(), OozieSchemas.coordinatorErrors(APP.resolve("coordinator.xml")));
  }

  @Test
  void schemaViolationsAreReportedWithTheirLine() throws Exception {
    String workflow = Files.readString(APP.resolve("workflow.xml"));
    // <class> before <name> breaks the spark-action sequence; an unknown element breaks the workflow schema.
    Path broken = dir.resolve("workflow.xml");
    Files.writeString(broken, workflow.replaceFirst("(<name>recsv-prepare-\\$\\{runId}</name>)\\s*(<class>[^<]*</class>)",
        "$2$1"));
    List<String> errors = OozieSchemas.workflowErrors(broken);
    assertFalse(errors.isEmpty(), "out-of-order spark action elements must be rejected");
    assertTrue(errors.get(0).matches(".*workflow.xml:\\d+:\\d+: .*"), errors.get(0));

    Files.writeString(broken, workflow.replace("<kill name=\"fail\">", "<kil name=\"fail\">")
        .replace("</kill>", "</kil>"));
    assertFalse(OozieSchemas.workflowErrors(broken).isEmpty());

    Path coordinator = dir.resolve("coordinator.xml");
    Files.writeString(coordinator, Files.readString(APP.resolve("coordinator.xml")).replace("<app-path>", "<app-pth>")
        .replace("</app-path>", "</app-pth>"));
    assertFalse(OozieSchemas.coordinatorErrors(coordinator).isEmpty());
  }

  @Test
  void stagesRunInOrderAndEachPassesItsStageThenTheEnvironmentConfig() {
    WorkflowDefinition wf = WorkflowDefinition.load(APP.resolve("workflow.xml"));
    assertEquals(List.of("prepare", "evaluate", "train", "score", "export", "merge"), wf.stageNames());
    assertEquals(List.of(new WorkflowDefinition.Gate("evaluate", "gate", "${runRoot}/${runId}/evaluate/gate.properties",
        "publish")), wf.gates(), "the quality gate after evaluate, whose decision goes on to train");
    for (WorkflowDefinition.SparkStage stage : wf.stages()) {
      // The first action checks that the CSV can be published, before the compute: it needs merge's settings.
      // evaluate trains and scores as train and score do: it needs their settings.
      List<String> expected = switch (stage.name()) {
        case "prepare" -> List.of("prepare.conf", "merge.conf", "cluster.conf");
        case "evaluate" -> List.of("evaluate.conf", "train.conf", "score.conf", "cluster.conf");
        default -> List.of(stage.name() + ".conf", "cluster.conf");
      };
      assertEquals(expected, stage.configFiles());
    }
    assertEquals(List.of("prepare", "evaluate", "train"), wf.stagesBefore("score"));
    assertThrows(IllegalArgumentException.class, () -> wf.stagesBefore("scoring"));
    assertEquals(wf.stageNames(), WorkflowDefinition.fromClasspath().stageNames(), "packaged copy is the same");
  }

  @Test
  void eachStageFailsThroughItsOwnAlertToItsOwnKillNodeThatNamesIt() throws Exception {
    String workflow = Files.readString(APP.resolve("workflow.xml"));
    for (String stage : WorkflowDefinition.load(APP.resolve("workflow.xml")).stageNames()) {
      assertTrue(workflow.contains("<error to=\"alert-" + stage + "\"/>"), stage);
      assertTrue(workflow.contains("<ok to=\"fail-" + stage + "\"/>\n    <error to=\"fail-" + stage + "\"/>"),
          stage + ": killed whether or not the e-mail went out");
      assertTrue(workflow.contains("failed at stage [" + stage + "]: ${wf:errorMessage('" + stage + "')} (YARN"
          + " application of its launcher: ${wf:actionExternalId('" + stage + "')})"), stage);
    }
    assertFalse(workflow.replaceAll("(?s)<!--.*?-->", "").contains("wf:lastErrorNode()"),
        "after a failed e-mail it would name the e-mail");
  }

  @Test
  void malformedChainsAreRefused() {
    String loop = """
        <workflow-app xmlns="uri:oozie:workflow:1.0" name="x">
          <start to="a"/>
          <action name="a"><spark xmlns="uri:oozie:spark-action:1.0"><master>m</master><name>n</name>
            <class>C</class><jar>j</jar></spark><ok to="a"/><error to="end"/></action>
          <end name="end"/>
        </workflow-app>""";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WorkflowDefinition.parse(new ByteArrayInputStream(loop.getBytes(StandardCharsets.UTF_8)), "t"));
    assertTrue(e.getMessage().contains("loops"), e.getMessage());
    String dangling = loop.replace("<ok to=\"a\"/>", "<ok to=\"b\"/>");
    e = assertThrows(IllegalArgumentException.class,
        () -> WorkflowDefinition.parse(new ByteArrayInputStream(dangling.getBytes(StandardCharsets.UTF_8)), "t"));
    assertTrue(e.getMessage().contains("unknown node 'b'"), e.getMessage());
  }

  /** Every ${name} the workflow and coordinator use is defined by job.properties, <parameters> or the coordinator. */
  @Test
  void jobPropertiesDefineEveryVariable() throws Exception {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(APP.resolve("job.properties"))) {
      props.load(in);
    }
    String workflow = Files.readString(APP.resolve("workflow.xml"));
    String coordinator = Files.readString(APP.resolve("coordinator.xml"));
    Set<String> defined = new HashSet<>(props.stringPropertyNames());
    // Oozie's own: the URI-template variables of a dataset instance, and the EL constant for SLA durations.
    defined.addAll(List.of("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "MINUTES"));
    Matcher params = Pattern.compile("<property><name>(\\w+)</name>").matcher(workflow + coordinator);
    while (params.find()) {
      defined.add(params.group(1));
    }
    Matcher used = Pattern.compile("\\$\\{(\\w+)}").matcher(workflow + coordinator);
    while (used.find()) {
      assertTrue(defined.contains(used.group(1)), "${" + used.group(1) + "} is defined somewhere");
    }
    assertTrue(props.getProperty("oozie.coord.application.path").endsWith("coordinator.xml"));
  }

  @Test
  void rerunPropertiesAreExactlyASkipListAndNoRunIdentity() {
    WorkflowDefinition wf = WorkflowDefinition.load(APP.resolve("workflow.xml"));
    Properties from = Reruns.fromStage(wf, "export", new Properties());
    assertEquals("prepare,evaluate,train,score", from.getProperty(Reruns.SKIP_NODES),
        "the stages before; never the gate, which reads the verdict again");
    assertEquals("false", from.getProperty(Reruns.FAIL_NODES), "never Oozie's failnodes: E0404 after a skip list");
    assertEquals(2, from.size(), "nothing else: the job's stored properties stay as submitted");
    assertEquals("", Reruns.fromStage(wf, "prepare", new Properties()).getProperty(Reruns.SKIP_NODES),
        "an empty skip list, so that the last rerun's list is not inherited");
    Properties overwrite = new Properties();
    overwrite.setProperty("mergeOverwrite", "true");
    assertEquals("true", Reruns.fromStage(wf, "merge", overwrite).getProperty("mergeOverwrite"));
    for (String identity : List.of("runId", "runRoot", "outputRoot", "inputPath")) {
      Properties other = new Properties();
      other.setProperty(identity, "x");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Reruns.fromStage(wf, "score", other));
      assertTrue(e.getMessage().startsWith("a rerun cannot set " + identity), e.getMessage());
    }
  }

}
