package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.ops.OozieOps;
import io.recsv.workflow.WorkflowDefinition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.WorkflowJob;
import org.junit.jupiter.api.Test;

/**
 * What on-call does with {@code ./recsv oozie}, through the same code ({@link OozieOps}) on Oozie's engine, with
 * Oozie's in-process clients: submit the weekly coordinator and be refused a second one, see a week fail, rerun
 * its failed stage, read the week's status, kill the coordinator.
 */
class OnCallInTheEngineTest extends EngineTest {


  @Test
  void submitOnceSeeAWeekFailRerunItsFailedStageReadItsStatusAndKill() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    OozieOps ops = ops(new PrintStream(printed, true, StandardCharsets.UTF_8));

    Path data = Files.createTempDirectory("recsv-oncall");
    Instant nominal = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    String week = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(nominal);
    Files.writeString(Files.createDirectories(data.resolve("interactions/" + week)).resolve("_SUCCESS"), "");
    Properties job = weeks(app, data, nominal, nominal.plus(1, ChronoUnit.DAYS), Map.of("stageRetries", "0"));

    StandInSparkExecutor.failStage = "score";
    StandInSparkExecutor.STARTED.clear();
    String coordinator = ops.submit(job);
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> ops.submit(job));
    assertTrue(twice.getMessage().startsWith("coordinator recsv-weekly is already ") && twice.getMessage()
        .contains(coordinator), twice.getMessage());

    OozieServer.await("the week to be killed at score", 90, () -> {
      CoordinatorJob c = oozie.coordinator(coordinator);
      return !c.getActions().isEmpty() && c.getActions().get(0).getExternalId() != null
          && oozie.workflow(c.getActions().get(0).getExternalId()).getStatus() == WorkflowJob.Status.KILLED;
    });
    String workflowId = oozie.coordinator(coordinator).getActions().get(0).getExternalId();

    StandInSparkExecutor.failStage = "";
    StandInSparkExecutor.STARTED.clear();
    Properties rerun = ops.rerun(workflowId, WorkflowDefinition.load(app.resolve("workflow.xml")), true, null,
        new Properties());
    assertEquals("prepare,evaluate,train", rerun.getProperty("oozie.wf.rerun.skip.nodes"));
    OozieServer.await("the rerun to succeed", 60,
        () -> oozie.workflow(workflowId).getStatus() == WorkflowJob.Status.SUCCEEDED);
    assertEquals(List.of("score", "export", "merge"),
        StandInSparkExecutor.STARTED.stream().map(StandInSparkExecutor.Started::stage).toList());

    ops.status(coordinator);
    String status = printed.toString(StandardCharsets.UTF_8);
    System.out.println(status);
    assertTrue(status.contains("coordinator " + coordinator + " recsv-weekly"), status);
    assertTrue(status.contains("workflow " + workflowId), status);
    for (String stage : List.of("prepare", "evaluate", "train", "score", "export", "merge")) {
      assertTrue(status.lines().anyMatch(l -> l.trim().startsWith(stage + " ") && l.contains(" OK ")
          && l.contains("application_")), stage + " OK with its YARN application:\n" + status);
    }

    ops.kill(coordinator);
    OozieServer.await("the coordinator to be killed", 30,
        () -> oozie.coordinator(coordinator).getStatus() == CoordinatorJob.Status.KILLED);
    assertTrue(ops.submit(job).endsWith("-C"), "once the old one is killed, a new coordinator may be submitted");
  }
}
