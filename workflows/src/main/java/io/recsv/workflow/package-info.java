/**
 * The Oozie application read without Oozie or Spark (the stages and their order, the gate, each spark action
 * evaluated for a run), and the operator tools: validate, deploy, submit, rerun, backfill, retention, the gate's
 * action and the Airflow DAG generator.
 */
package io.recsv.workflow;
