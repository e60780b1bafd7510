package io.recsv.als;

import io.recsv.lineage.TopLists;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;

/**
 * A user's row of score's output ({@link TopLists#SCHEMA}), shared by both scoring methods: the top list as three
 * primitive arrays, never one object per recommendation, in Spark's own form ({@link InternalRow}, the arrays
 * copied as blocks of memory): a {@code Row} of Java arrays would be converted by Spark's row encoder element by
 * element, boxing each (docs/results.md).
 */
final class TopRows {

  private TopRows() {}

  /** A user's row; normalizes the scores (sorted best first) on the way. */
  static InternalRow list(int user, int[] items, float[] scores, int n, Normalization normalization) {
    float[] raw = Arrays.copyOf(scores, n);
    normalization.apply(scores, n);
    return new GenericInternalRow(new Object[] {user, UnsafeArrayData.fromPrimitiveArray(Arrays.copyOf(items, n)),
        UnsafeArrayData.fromPrimitiveArray(Arrays.copyOf(scores, n)), UnsafeArrayData.fromPrimitiveArray(raw)});
  }
}
