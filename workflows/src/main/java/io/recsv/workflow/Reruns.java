package io.recsv.workflow;

import java.util.Properties;

/**
 * The properties of an Oozie workflow rerun. Oozie takes exactly one of: rerun the failed nodes
 * ({@code oozie.wf.rerun.failnodes}) or skip a list of nodes ({@code oozie.wf.rerun.skip.nodes}); "from a
 * stage" means skipping every stage before it, in the order the workflow defines.
 */
public final class Reruns {

  public static final String FAIL_NODES = "oozie.wf.rerun.failnodes";
  public static final String SKIP_NODES = "oozie.wf.rerun.skip.nodes";

  private Reruns() {}

  public static Properties failedNodes(Properties jobProperties) {
    Properties props = copy(jobProperties);
    props.setProperty(FAIL_NODES, "true");
    return props;
  }

  public static Properties fromStage(Properties jobProperties, WorkflowDefinition workflow, String stage) {
    Properties props = copy(jobProperties);
    // An empty skip list reruns everything; Oozie rejects an empty value, so leave the key out then.
    String skip = String.join(",", workflow.stagesBefore(stage));
    if (!skip.isEmpty()) {
      props.setProperty(SKIP_NODES, skip);
    }
    return props;
  }

  private static Properties copy(Properties source) {
    Properties props = new Properties();
    props.putAll(source);
    props.remove(FAIL_NODES);
    props.remove(SKIP_NODES);
    return props;
  }
}
