package io.recsv.als;

import io.recsv.config.UserError;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * ALS factor rows (id int, features array&lt;float&gt;) copied into flat float arrays, checked on the way. The
 * rows are Spark's own ({@link InternalRow}): a factor is read as a float, not boxed into an object first.
 */
final class Factors {

  private Factors() {}

  /**
   * Copies the row's {@code rank} factors to {@code dst[offset..]} and returns its id. A NaN or infinite
   * factor would silently poison every score of its user or product: it fails, naming the model.
   */
  static int copy(InternalRow row, float[] dst, int offset, int rank, String modelPath, String kind) {
    String problem = copyOrTell(row, dst, offset, rank, kind);
    if (problem != null) {
      throw refusal(modelPath, problem);
    }
    return row.getInt(0);
  }

  /**
   * As {@link #copy}, but what is wrong with the row is returned ("a non-finite factor (NaN) for product index
   * 7"), not thrown: for rows gathered in a task and reported where they arrive, as the model's fault rather
   * than a failed task's. Null when the row is sound.
   */
  static String copyOrTell(InternalRow row, float[] dst, int offset, int rank, String kind) {
    if (row.isNullAt(0)) {
      return "a " + kind + " row without an index";
    }
    int id = row.getInt(0);
    if (row.isNullAt(1)) {
      return "no factors for " + kind + " index " + id;
    }
    ArrayData features = row.getArray(1);
    if (features.numElements() != rank) {
      return features.numElements() + " factors where the rank is " + rank + " for " + kind + " index " + id;
    }
    for (int r = 0; r < rank; r++) {
      if (features.isNullAt(r)) {
        return "a missing factor for " + kind + " index " + id;
      }
      float v = features.getFloat(r);
      if (Float.isNaN(v) || Float.isInfinite(v)) {
        return "a non-finite factor (" + v + ") for " + kind + " index " + id;
      }
      dst[offset + r] = v;
    }
    return null;
  }

  static UserError refusal(String modelPath, String problem) {
    return new UserError("score: the model " + modelPath + " has " + problem + "; retrain it");
  }
}
