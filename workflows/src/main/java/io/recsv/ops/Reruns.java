package io.recsv.ops;

import io.recsv.workflow.WorkflowDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.client.WorkflowJob;

/**
 * The properties of an Oozie workflow rerun, exactly: {@code oozie.wf.rerun.skip.nodes} (possibly empty) and
 * {@code oozie.wf.rerun.failnodes=false}, nothing else unless the operator adds a per-run override.
 * <p>Why not Oozie's own {@code failnodes=true}: the server merges a rerun's properties over the job's stored
 * ones and cannot drop a key, and it refuses failnodes when any skip list is present (E0404). So after one rerun
 * "from a stage", a "failed nodes" rerun would be refused; and a rerun that leaves the skip list out inherits the
 * last one. Both are expressed here as a skip list: from a stage, the stages before it; the failed ones, every
 * stage whose action ended OK (what failnodes means).
 * <p>A rerun never changes what run it is: the run id, its roots and its input are refused as overrides.
 */
public final class Reruns {

  public static final String FAIL_NODES = "oozie.wf.rerun.failnodes";
  public static final String SKIP_NODES = "oozie.wf.rerun.skip.nodes";
  /** What makes a run that run: a rerun that changed one would run another week's data in this one's place. */
  static final Set<String> RUN_IDENTITY = Set.of("runId", "runRoot", "outputRoot", "inputPath",
      "oozie.wf.application.path", "user.name");

  private Reruns() {}

  /** Rerun the stages that did not end OK, and everything after them. */
  public static Properties failedNodes(WorkflowJob job, WorkflowDefinition workflow, Properties overrides) {
    if (job.getStatus() != WorkflowJob.Status.KILLED && job.getStatus() != WorkflowJob.Status.FAILED) {
      throw new IllegalArgumentException("workflow " + job.getId() + " is " + job.getStatus()
          + "; only a KILLED or FAILED run has failed nodes to rerun (use --from STAGE to redo stages of a run)");
    }
    List<String> ok = new ArrayList<>();
    for (String stage : workflow.stageNames()) {
      WorkflowAction action = job.getActions().stream().filter(a -> a.getName().equals(stage)).findFirst()
          .orElse(null);
      if (action == null || action.getStatus() != WorkflowAction.Status.OK) {
        break;  // this stage failed or never ran: it and everything after it run again
      }
      ok.add(stage);
    }
    return rerun(ok, overrides);
  }

  /** Rerun from {@code stage} on: skip the stages before it, in the workflow's order. */
  public static Properties fromStage(WorkflowDefinition workflow, String stage, Properties overrides) {
    return rerun(workflow.stagesBefore(stage), overrides);
  }

  private static Properties rerun(List<String> skip, Properties overrides) {
    Properties props = new Properties();
    for (String key : overrides.stringPropertyNames()) {
      if (RUN_IDENTITY.contains(key) || key.equals(SKIP_NODES) || key.equals(FAIL_NODES)) {
        throw new IllegalArgumentException("a rerun cannot set " + key + ": it reruns the same run (same run id,"
            + " roots and input); submit another run for another week");
      }
      props.setProperty(key, overrides.getProperty(key));
    }
    props.setProperty(SKIP_NODES, String.join(",", skip));
    props.setProperty(FAIL_NODES, "false");
    return props;
  }
}
