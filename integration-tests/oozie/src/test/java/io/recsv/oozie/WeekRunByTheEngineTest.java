package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.oozie.CoordinatorActionBean;
import org.apache.oozie.CoordinatorJobBean;
import org.apache.oozie.client.CoordinatorAction;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.client.WorkflowJob;
import org.junit.jupiter.api.Test;

/**
 * A week run by Oozie's engine: the coordinator submitted for real, its week materialized by the engine's own
 * services, held until the week's input has its done-flag, then the workflow run node by node, each spark action
 * through the stand-in executor. A failing stage leads to its alert and its kill node, whose message names the
 * stage and its YARN application, even when the alert's e-mail cannot be sent.
 */
class WeekRunByTheEngineTest extends EngineTest {


  /** A coordinator whose first week is due now, with its input under {@code data}. */
  private static String submitWeek(Path data, Instant nominal, String retries) throws Exception {
    return submitWeek(data, nominal, Map.of("stageRetries", retries));
  }

  private static String submitWeek(Path data, Instant nominal, Map<String, String> properties) throws Exception {
    return oozie.submitCoordinator(toConfiguration(weeks(app, data, nominal, nominal.plus(1, ChronoUnit.DAYS),
        properties)));
  }

  /** A week that ran to its end: its workflow, and the spark actions that were started. */
  private record EndedWeek(String runId, WorkflowJob workflow) {}

  /**
   * A week whose input is complete, run to its end with {@code failStage} failing (empty: none) and the quality
   * gate saying {@code gatePasses}.
   */
  private EndedWeek endedWeek(String failStage, boolean gatePasses, Map<String, String> properties) throws Exception {
    Path data = Files.createTempDirectory("recsv-week");
    Instant nominal = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    String runId = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(nominal);
    Path input = Files.createDirectories(data.resolve("interactions/" + runId));
    Files.writeString(input.resolve("_SUCCESS"), "");
    StandInSparkExecutor.failStage = failStage;
    StandInSparkExecutor.gatePasses = gatePasses;
    StandInSparkExecutor.STARTED.clear();
    try {
      String coordinatorId = submitWeek(data, nominal, properties);
      OozieServer.await("the week's workflow to end", 90, () -> {
        CoordinatorActionBean week = firstWeek(coordinatorId);
        if (week == null || week.getExternalId() == null) {
          return false;
        }
        WorkflowJob.Status status = oozie.workflow(week.getExternalId()).getStatus();
        return status != WorkflowJob.Status.RUNNING && status != WorkflowJob.Status.PREP;
      });
      return new EndedWeek(runId, oozie.workflow(firstWeek(coordinatorId).getExternalId()));
    } finally {
      StandInSparkExecutor.failStage = "";
      StandInSparkExecutor.gatePasses = true;
    }
  }

  @Test
  void aWeekTheGateRefusesIsKilledWithTheFailingRuleAndNothingIsPublished() throws Exception {
    WorkflowJob workflow = endedWeek("", false, Map.of("stageRetries", "0")).workflow();
    print("a week the quality gate refuses", workflow);
    assertEquals(WorkflowJob.Status.KILLED, workflow.getStatus());
    Map<String, WorkflowAction> nodes = nodes(workflow);
    assertEquals(List.of(":start:", "prepare", "evaluate", "gate", "publish", "alert-refused", "refused"),
        List.copyOf(nodes.keySet()), "the decision sends it to the refusal: no training, nothing published");
    assertEquals(List.of("prepare", "evaluate"),
        StandInSparkExecutor.STARTED.stream().map(StandInSparkExecutor.Started::stage).toList());
    assertTrue(nodes.get("refused").getErrorMessage().endsWith("not published: its quality gate refused it:"
        + " ndcg@100 0.0535 is below 0.0939 (at least 1.10 x the popularity baseline's 0.0853)"),
        nodes.get("refused").getErrorMessage());
  }

  @Test
  void onCallPublishesARefusedWeekWithGateForce() throws Exception {
    WorkflowJob workflow = endedWeek("", false, Map.of("stageRetries", "0", "gateForce", "true")).workflow();
    assertEquals(WorkflowJob.Status.SUCCEEDED, workflow.getStatus());
    assertEquals(List.of("prepare", "evaluate", "train", "score", "export", "merge"),
        StandInSparkExecutor.STARTED.stream().map(StandInSparkExecutor.Started::stage).toList());
    assertTrue(StandInSparkExecutor.STARTED.get(5).args().contains("evaluate.gate.force=true"),
        "merge records that the week was published despite its gate");
  }

  private static Configuration toConfiguration(Properties job) {
    Configuration conf = new Configuration(false);
    job.stringPropertyNames().forEach(k -> conf.set(k, job.getProperty(k)));
    return conf;
  }

  private static CoordinatorActionBean firstWeek(String coordinatorId) throws Exception {
    CoordinatorJobBean coordinator = oozie.coordinator(coordinatorId);
    return coordinator.getActions().isEmpty() ? null : (CoordinatorActionBean) coordinator.getActions().get(0);
  }

  /** Each node of the workflow with its state, in the order it ran. */
  private static Map<String, WorkflowAction> nodes(WorkflowJob workflow) {
    Map<String, WorkflowAction> nodes = new LinkedHashMap<>();
    for (WorkflowAction action : workflow.getActions()) {
      nodes.put(action.getName(), action);
    }
    return nodes;
  }

  private static void print(String title, WorkflowJob workflow) {
    System.out.println(title + ": workflow " + workflow.getId() + " " + workflow.getStatus());
    for (WorkflowAction a : workflow.getActions()) {
      System.out.printf("  %-10s %-8s %-13s external %-32s %s%n", a.getName(), a.getType(), a.getStatus(),
          a.getExternalId(), a.getErrorMessage() == null ? "" : a.getErrorMessage());
    }
  }

  @Test
  void aWeekWaitsForItsInputThenRunsEveryStageInOrder() throws Exception {
    Path data = Files.createTempDirectory("recsv-week");
    Instant nominal = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    String runId = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(nominal);
    StandInSparkExecutor.failStage = "";
    StandInSparkExecutor.STARTED.clear();
    String coordinatorId = submitWeek(data, nominal, "2");

    OozieServer.await("the week to materialize", 60, () -> firstWeek(coordinatorId) != null);
    Thread.sleep(3000);  // several input checks
    CoordinatorActionBean waiting = firstWeek(coordinatorId);
    assertEquals(CoordinatorAction.Status.WAITING, waiting.getStatus(), "no input yet: the week waits");
    assertTrue(waiting.getMissingDependencies().contains("interactions/" + runId), waiting.getMissingDependencies());
    assertTrue(StandInSparkExecutor.STARTED.isEmpty(), "nothing ran");

    Path input = Files.createDirectories(data.resolve("interactions/" + runId));
    Files.writeString(input.resolve("part-0.csv"), "user_id,product_id,weight\n1,2,1\n");
    Thread.sleep(2000);
    assertEquals(CoordinatorAction.Status.WAITING, firstWeek(coordinatorId).getStatus(),
        "data without its done-flag is not the week's input yet");
    Files.writeString(input.resolve("_SUCCESS"), "");

    OozieServer.await("the week's workflow to end", 90, () -> {
      CoordinatorActionBean week = firstWeek(coordinatorId);
      return week.getExternalId() != null && oozie.workflow(week.getExternalId()).getStatus() != WorkflowJob.Status.RUNNING
          && oozie.workflow(week.getExternalId()).getStatus() != WorkflowJob.Status.PREP;
    });
    WorkflowJob workflow = oozie.workflow(firstWeek(coordinatorId).getExternalId());
    print("week " + runId, workflow);
    assertEquals(WorkflowJob.Status.SUCCEEDED, workflow.getStatus());
    Map<String, WorkflowAction> nodes = nodes(workflow);
    assertEquals(List.of(":start:", "prepare", "evaluate", "gate", "publish", "train", "score", "export", "merge",
        "end"), List.copyOf(nodes.keySet()));
    for (String stage : List.of("prepare", "evaluate", "train", "score", "export", "merge")) {
      assertEquals(WorkflowAction.Status.OK, nodes.get(stage).getStatus(), stage);
    }
    List<StandInSparkExecutor.Started> started = StandInSparkExecutor.STARTED;
    assertEquals(List.of("prepare", "evaluate", "train", "score", "export", "merge"),
        started.stream().map(StandInSparkExecutor.Started::stage).toList());
    assertTrue(started.get(0).args().contains("prepare.input=file://" + input), started.get(0).args().toString());
    for (StandInSparkExecutor.Started s : started) {
      assertTrue(s.args().contains("run.id=" + runId), s.stage() + " runs the week " + runId);
    }
  }

  @Test
  void aFailingStageIsAlertedAndKilledWithAMessageNamingItAndItsYarnApplication() throws Exception {
    // Retries 0: they would take 2 x 15 minutes.
    EndedWeek week = endedWeek("score", true, Map.of("stageRetries", "0"));
    String runId = week.runId();
    WorkflowJob workflow = week.workflow();
    assertEquals(WorkflowJob.Status.KILLED, workflow.getStatus());
    print("week " + runId + " with a failing score", workflow);
    Map<String, WorkflowAction> nodes = nodes(workflow);
    assertEquals(List.of(":start:", "prepare", "evaluate", "gate", "publish", "train", "score", "alert-score",
        "fail-score"),
        List.copyOf(nodes.keySet()));
    assertEquals(WorkflowAction.Status.ERROR, nodes.get("score").getStatus());
    assertEquals(WorkflowAction.Status.ERROR, nodes.get("alert-score").getStatus(), "no mail server here");
    String scoreApplication = StandInSparkExecutor.STARTED.get(3).applicationId();
    String kill = nodes.get("fail-score").getErrorMessage();
    assertEquals("recsv week " + runId + " failed at stage [score]: Main Class"
        + " [org.apache.oozie.action.hadoop.SparkMain], exit code [1] (YARN application of its launcher: "
        + scoreApplication + ")", kill);
  }
}
