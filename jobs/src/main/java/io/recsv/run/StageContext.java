package io.recsv.run;

import com.typesafe.config.Config;
import io.recsv.lineage.Lineage;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.StageOutput;
import io.recsv.workflow.StageName;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * What a stage runs with, from whoever runs it: which stage it is, the Spark session, the stage's config and when
 * it started. It offers the stage its inputs (with the check that they chain) and its output (published whole,
 * with the record of what it was made from), so that a stage says only what it reads, computes and writes.
 */
public record StageContext(StageName stage, SparkSession spark, Config config, Instant startedAt) {

  /** {@code stage} started now, in {@code spark}: run directly, as a test or a benchmark does. */
  public static StageContext now(StageName stage, SparkSession spark, Config config) {
    return new StageContext(stage, spark, config, Instant.now());
  }

  /** The Hadoop configuration the stage reads and writes with (Spark's). */
  public Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  /** Where the run's outputs lie. */
  public RunLayout layout() {
    return RunLayout.of(config);
  }

  /**
   * The records of the outputs of {@code reads}, which must be there as recorded and chain: each made from the same
   * outputs of every earlier stage.
   */
  public List<Lineage> inputs(List<StageName> reads) throws IOException {
    return Lineage.readChained(hadoop(), layout(), stage.id(), reads);
  }

  /** The stage's output, written under a temporary name until it is published. */
  public StageOutput output() throws IOException {
    return StageOutput.begin(hadoop(), layout(), stage);
  }

  /** The record of the stage's output, made from {@code inputs} (and, for prepare, from the input {@code files}). */
  public Lineage record(List<Lineage> inputs, Lineage.InputFiles files) {
    return Lineage.of(stage, startedAt, layout(), config, inputs, files);
  }
}
