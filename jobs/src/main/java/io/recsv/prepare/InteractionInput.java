package io.recsv.prepare;

import io.recsv.config.UserError;
import java.io.IOException;
import org.apache.spark.api.java.JavaPairRDD;

/** prepare's reader of one input format ({@link CsvInput}, {@link ParquetInput}), chosen once by the format. */
interface InteractionInput {

  /**
   * Every valid row, bucketed by user block, sorted and combined per map task: the chunks, keyed by block. An
   * action on them fails if a row is bad; pass that failure to {@link #explain}.
   */
  JavaPairRDD<Integer, SortedPairs> chunks(int blocks, PrepareJob.Aggregate aggregate) throws IOException;

  /** The error for a user when reading failed because of the input (where, what, how many), or null. */
  UserError explain(Throwable failure) throws IOException;
}
