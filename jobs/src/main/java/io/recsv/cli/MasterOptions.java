package io.recsv.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the stages run, as spark-submit takes it: this machine's Spark, or each stage a YARN application. */
final class MasterOptions {

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--master", paramLabel = "URL", description = "Spark's master, as spark-submit takes it"
      + " (spark.master; local.conf: local[*]); yarn: each stage a YARN application in cluster deploy mode, as the"
      + " Oozie workflow submits it (needs HADOOP_CONF_DIR; paths on the cluster's file system; the cluster's"
      + " spark-submit if SPARK_HOME is set)")
  String master;

  @Option(names = "--queue", paramLabel = "NAME",
      description = "with --master yarn: the YARN queue (default: the workflow's queueName)")
  String queue;

  @Option(names = "--java-home", paramLabel = "DIR",
      description = "with --master yarn: Java 17 on the cluster's nodes (default: this Java's home)")
  String javaHome;

  @Option(names = "--conf", paramLabel = "key=value",
      description = "a Spark property, as spark-submit takes it (spark.conf.\"key\"); may repeat")
  private final List<String> sparkConfs = new ArrayList<>();

  /** Whether the stages run as YARN applications, not in this JVM. */
  boolean isYarn() {
    return "yarn".equals(master);
  }

  /** The environment a run reads by default: cluster.conf on YARN (as the Oozie actions), local.conf here. */
  String defaultEnv() {
    return isYarn() ? "cluster" : "local";
  }

  /** spark.master and the Spark properties, as config overrides. */
  List<String> overrides() {
    List<String> list = new ArrayList<>();
    if (master != null) {
      list.add("spark.master=" + master);
    }
    for (String conf : ConfigOptions.requireKeyValues(command, "--conf", sparkConfs)) {
      list.add("spark.conf." + conf);  // spark.conf.<key>: Spark's own properties, passed through
    }
    return list;
  }
}
