package io.recsv.als;

import io.recsv.lineage.TopLists;
import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A user's row of score's output ({@link TopLists#SCHEMA}), shared by both scoring methods: the top list as three
 * primitive arrays, never one object per recommendation.
 */
final class TopRows {

  private TopRows() {}

  /** A user's row; normalizes the scores (sorted best first) on the way. */
  static Row list(int user, int[] items, float[] scores, int n, Normalization normalization) {
    float[] raw = Arrays.copyOf(scores, n);
    normalization.apply(scores, n);
    return RowFactory.create(user, Arrays.copyOf(items, n), Arrays.copyOf(scores, n), raw);
  }
}
