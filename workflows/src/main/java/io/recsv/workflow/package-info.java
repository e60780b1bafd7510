/**
 * The Oozie application as the jobs read it, without Oozie or Spark: the stages ({@link
 * io.recsv.workflow.StageName}) and their order ({@link io.recsv.workflow.WorkflowDefinition}), the gate's verdict
 * ({@link io.recsv.workflow.GateVerdict}) and its action's main, and each spark action evaluated for a run.
 */
package io.recsv.workflow;
