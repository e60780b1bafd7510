package io.recsv.score;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The score stage's output rows, shared by both scoring methods: one row per (user, rank). */
final class TopRows {

  static final StructType SCHEMA = new StructType()
      .add("user_index", DataTypes.IntegerType, false)
      .add("product_index", DataTypes.IntegerType, false)
      .add("rank", DataTypes.IntegerType, false)
      .add("score", DataTypes.FloatType, false);

  private TopRows() {}

  /** Appends rows for a user whose top list is sorted best first; normalizes the scores in place. */
  static void emit(int user, int[] items, float[] scores, int n, Normalization normalization, List<Row> out) {
    normalization.apply(scores, n);
    for (int i = 0; i < n; i++) {
      out.add(RowFactory.create(user, items[i], i + 1, scores[i]));
    }
  }
}
