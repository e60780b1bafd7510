package io.recsv.als;

import io.recsv.lineage.TopLists;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

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
    // (user, recommendations: array<struct<item, rating>>) in Spark's own rows.
    JavaRDD<InternalRow> lists = model.recommendForAllUsers(k).queryExecution().toRdd().toJavaRDD().map(row -> {
      int user = row.getInt(0);
      ArrayData recs = row.getArray(1);
      TopK top = new TopK(k);
      for (int i = 0; i < recs.numElements(); i++) {
        InternalRow rec = recs.getStruct(i, 2);
        top.offer(rec.getInt(0), rec.getFloat(1));
      }
      int[] items = new int[k];
      float[] scores = new float[k];
      int n = top.drainSorted(items, scores);
      return TopRows.list(user, items, scores, n, normalization);
    });
    return model.userFactors().sparkSession().internalCreateDataFrame(lists.rdd(), TopLists.SCHEMA, false);
  }
}
