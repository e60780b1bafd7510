package io.recsv.als;

import io.recsv.lineage.TopLists;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * The reference: MLlib's {@code recommendForAllUsers}, re-ordered by recsv's rule (score descending, then
 * product index ascending) and normalized like the blocked scorer. Kept for tests and benchmarks.
 */
final class MllibScorer {

  private final int k;
  private final Normalization normalization;

  MllibScorer(int k, Normalization normalization) {
    this.k = k;
    this.normalization = normalization;
  }

  Dataset<Row> score(ALSModel model) {
    int k = this.k;
    Normalization normalization = this.normalization;
    MapFunction<Row, Row> toList = row -> {
      int user = row.getInt(0);
      List<Row> recs = row.getList(1);
      TopK top = new TopK(k);
      for (Row rec : recs) {
        top.offer(rec.getInt(0), rec.getFloat(1));
      }
      int[] items = new int[k];
      float[] scores = new float[k];
      int n = top.drainSorted(items, scores);
      return TopRows.list(user, items, scores, n, normalization);
    };
    return model.recommendForAllUsers(k).map(toList, Encoders.row(TopLists.SCHEMA));
  }
}
