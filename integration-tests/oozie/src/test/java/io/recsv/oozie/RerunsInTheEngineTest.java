package io.recsv.oozie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.ops.Reruns;
import io.recsv.workflow.WorkflowDefinition;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.oozie.DagEngine;
import org.apache.oozie.client.WorkflowJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./recsv oozie rerun}'s properties as Oozie's engine takes them (DagEngine.reRun: merged over the job's
 * stored properties): a week whose middle stage failed is rerun from its failed stage, then from prepare, then
 * from score, one after the other on the same job, each running exactly the stages it should, for the same week.
 */
class RerunsInTheEngineTest extends EngineTest {

  private static WorkflowDefinition workflow;
  private static DagEngine engine;

  @BeforeAll
  static void start() throws Exception {
    workflow = WorkflowDefinition.load(app.resolve("workflow.xml"));
    engine = new DagEngine(System.getProperty("user.name"));
  }

  /** Reruns the job with these properties and returns the stages that ran, once it has ended. */
  private static List<String> rerun(String id, Properties props) throws Exception {
    StandInSparkExecutor.STARTED.clear();
    Configuration conf = new Configuration(false);
    props.stringPropertyNames().forEach(k -> conf.set(k, props.getProperty(k)));
    engine.reRun(id, conf);
    awaitEnd(id);
    return started();
  }

  private static void awaitEnd(String id) throws Exception {
    OozieServer.await("workflow " + id + " to end", 60, () -> {
      WorkflowJob.Status s = engine.getJob(id).getStatus();
      return s == WorkflowJob.Status.SUCCEEDED || s == WorkflowJob.Status.KILLED || s == WorkflowJob.Status.FAILED;
    });
  }

  private static List<String> started() {
    return StandInSparkExecutor.STARTED.stream().map(StandInSparkExecutor.Started::stage).toList();
  }

  @Test
  void failedThenFromPrepareThenFromScoreEachRunExactlyTheirStagesOfTheSameWeek() throws Exception {
    Configuration week = oozie.weeks(OozieServer.jobProperties(app,
        Map.of("inputRoot", "file:///data/interactions", "runRoot", "file:///data/recsv/work",
            "outputRoot", "file:///data/recsv/published", "stageRetries", "0"))).get(0).workflowConf();
    StandInSparkExecutor.failStage = "score";
    StandInSparkExecutor.STARTED.clear();
    String id = engine.submitJob(week, true);
    awaitEnd(id);
    assertEquals(WorkflowJob.Status.KILLED, engine.getJob(id).getStatus());
    assertEquals(List.of("prepare", "evaluate", "train", "score"), started());

    StandInSparkExecutor.failStage = "";
    Properties failed = Reruns.failedNodes(engine.getJob(id), workflow, new Properties());
    assertEquals("prepare,evaluate,train", failed.getProperty(Reruns.SKIP_NODES));
    assertEquals(List.of("score", "export", "merge"), rerun(id, failed), "--failed: the failed stage and after");
    assertEquals(WorkflowJob.Status.SUCCEEDED, engine.getJob(id).getStatus());

    // After a skip list, an empty one: everything runs (a rerun that left the key out would inherit the last).
    assertEquals(workflow.stageNames(), rerun(id, Reruns.fromStage(workflow, "prepare", new Properties())),
        "--from prepare: every stage");
    Properties overwrite = new Properties();
    overwrite.setProperty("mergeOverwrite", "true");
    assertEquals(List.of("score", "export", "merge"), rerun(id, Reruns.fromStage(workflow, "score", overwrite)),
        "--from score: score and after");
    assertEquals(WorkflowJob.Status.SUCCEEDED, engine.getJob(id).getStatus());
    for (StandInSparkExecutor.Started s : StandInSparkExecutor.STARTED) {
      assertTrue(s.args().contains("run.id=2026-11-30"), s.stage() + " reran the same week");
    }
    assertTrue(StandInSparkExecutor.STARTED.stream().filter(s -> s.stage().equals("merge")).findFirst().orElseThrow()
        .args().contains("merge.overwrite=true"), "a per-run override reaches the stage");
  }
}
