package io.recsv.als;

import io.recsv.config.UserError;
import java.util.List;
import org.apache.spark.sql.Row;

/** ALS factor rows (id int, features array&lt;float&gt;) copied into flat float arrays, checked on the way. */
final class Factors {

  private Factors() {}

  /**
   * Copies the row's {@code rank} factors to {@code dst[offset..]} and returns its id. A NaN or infinite
   * factor would silently poison every score of its user or product: it fails, naming the model.
   */
  static int copy(Row row, float[] dst, int offset, int rank, String modelPath, String kind) {
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
  static String copyOrTell(Row row, float[] dst, int offset, int rank, String kind) {
    int id = row.getInt(0);
    List<Float> features = row.getList(1);
    if (features.size() != rank) {
      return features.size() + " factors where the rank is " + rank + " for " + kind + " index " + id;
    }
    for (int r = 0; r < rank; r++) {
      float v = features.get(r);
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
