package io.recsv.run;

import java.time.Instant;
import org.apache.spark.sql.SparkSession;

/**
 * What a stage runs with, from whoever runs it: the Spark session, and when the stage started (its lineage record
 * tells how long it took).
 */
public record StageContext(SparkSession spark, Instant startedAt) {

  /** A stage started now, in {@code spark}: run directly, as a test or a benchmark does. */
  public static StageContext now(SparkSession spark) {
    return new StageContext(spark, Instant.now());
  }
}
