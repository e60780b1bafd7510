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
    int id = row.getInt(0);
    List<Float> features = row.getList(1);
    for (int r = 0; r < rank; r++) {
      float v = features.get(r);
      if (Float.isNaN(v) || Float.isInfinite(v)) {
        throw new UserError("score: the model " + modelPath + " has a non-finite factor (" + v + ") for "
            + kind + " index " + id + "; retrain it");
      }
      dst[offset + r] = v;
    }
    return id;
  }
}
