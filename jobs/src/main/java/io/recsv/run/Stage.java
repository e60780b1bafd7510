package io.recsv.run;

import io.recsv.workflow.StageName;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * One stage of the pipeline. Its constructor takes the configuration and validates every key it reads, so
 * a bad setting fails before Spark does any work; {@link #run} reads its inputs, transforms them and
 * publishes its output atomically, with its lineage.
 */
public interface Stage {

  /** Which stage this is. */
  StageName name();

  /** The configuration it runs with, checked when it was made. */
  com.typesafe.config.Config config();

  /** The stages whose outputs this one reads (through the {@link io.recsv.lineage.RunLayout}); they must chain before it runs. */
  List<StageName> reads();

  /** Checks that cost no computation (the input exists, ...), made before any stage of the invocation runs. */
  default void preflight(Configuration conf) throws IOException {}

  /** Runs the stage and returns a one-line summary of what it wrote. */
  String run(StageContext context) throws IOException;

  /** {@link #run(StageContext)}, started now: a stage run directly (a test, a benchmark). */
  default String run(SparkSession spark) throws IOException {
    return run(StageContext.now(name(), spark, config()));
  }
}
