package io.recsv.common;

import java.io.IOException;
import org.apache.spark.sql.SparkSession;

/**
 * One stage of the pipeline. Its constructor takes the configuration and validates every key it reads, so
 * a bad setting fails before Spark does any work; {@link #run} reads its inputs, transforms them and
 * publishes its output atomically.
 */
public interface Stage {

  /** Runs the stage and returns a one-line summary of what it wrote. */
  String run(SparkSession spark) throws IOException;
}
