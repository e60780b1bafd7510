/**
 * Running the stages on a YARN cluster from an edge node: each stage one Spark application in cluster deploy mode,
 * submitted as the Oozie workflow's action for it is evaluated ({@link io.recsv.workflow.SparkActions}), watched
 * until its final status ({@link io.recsv.yarn.YarnSubmit}), with Spark's jars staged once on the cluster when no
 * Spark is installed ({@link io.recsv.yarn.SparkJars}).
 */
package io.recsv.yarn;
