package io.recsv.evaluate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.recsv.lineage.RunLayout;
import io.recsv.report.EvaluationMetrics.Ranking;
import io.recsv.report.Histogram;
import io.recsv.report.ScoreStats;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Ranking metrics of top-k lists against each user's held-out products, computed by Spark (a join of the lists
 * with the holdout, then sums per user, then averages): nothing per user reaches the driver. Every user with a
 * holdout counts, with zeros when it got no list or no hit. Relevance is binary: a recommended product is a hit
 * if the user interacted with it in the holdout.
 */
final class RankingMetrics {

  private RankingMetrics() {}

  /**
   * @param lists (user_index, product_index, rank) with rank 1 the best, at least {@code max(ks)} per user
   *     where the catalogue allows
   * @param holdout (user_index, product_index), distinct
   * @param catalogue the number of products a list could hold (coverage's denominator, and Gini's population)
   */
  static List<Ranking> of(Dataset<Row> lists, Dataset<Row> holdout, List<Integer> ks, long catalogue) {
    int maxK = ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
    Dataset<Row> top = lists.filter(col(RunLayout.RANK).leq(maxK));
    Dataset<Row> hits = top.join(holdout, top.col(RunLayout.USER_INDEX).equalTo(holdout.col(RunLayout.USER_INDEX))
            .and(top.col(RunLayout.PRODUCT_INDEX).equalTo(holdout.col(RunLayout.PRODUCT_INDEX))), "left_semi")
        .withColumn("nth", row_number().over(Window.partitionBy(RunLayout.USER_INDEX).orderBy(RunLayout.RANK)));
    List<Column> perUser = new ArrayList<>();
    Column rank = col(RunLayout.RANK);
    for (int k : ks) {
      Column in = rank.leq(k);
      perUser.add(sum(when(in, 1.0).otherwise(0.0)).as("h" + k));
      perUser.add(sum(when(in, lit(1.0).divide(log2(rank.plus(1)))).otherwise(0.0)).as("dcg" + k));
      perUser.add(sum(when(in, col("nth").divide(rank)).otherwise(0.0)).as("ap" + k));
    }
    Dataset<Row> sums = hits.groupBy(RunLayout.USER_INDEX)
        .agg(perUser.get(0), perUser.subList(1, perUser.size()).toArray(new Column[0]));
    Dataset<Row> perUserHeld = holdout.groupBy(RunLayout.USER_INDEX).count();
    Dataset<Row> users = perUserHeld.join(sums,
            perUserHeld.col(RunLayout.USER_INDEX).equalTo(sums.col(RunLayout.USER_INDEX)), "left")
        .drop(sums.col(RunLayout.USER_INDEX)).na().fill(0.0);
    Column idcg = idcg(maxK);
    List<Column> averages = new ArrayList<>();
    Column held = col("count");
    for (int k : ks) {
      Column h = col("h" + k);
      Column ideal = least(held, lit((long) k));
      averages.add(avg(h.divide(k)));
      averages.add(avg(h.divide(held)));
      averages.add(avg(col("dcg" + k).divide(element_at(idcg, ideal.cast("int")))));
      averages.add(avg(col("ap" + k).divide(ideal)));
      averages.add(avg(when(h.gt(0), 1.0).otherwise(0.0)));
    }
    Row a = users.agg(averages.get(0), averages.subList(1, averages.size()).toArray(new Column[0])).first();
    List<Ranking> out = new ArrayList<>();
    for (int i = 0; i < ks.size(); i++) {
      int k = ks.get(i);
      Dataset<Row> atK = lists.filter(col(RunLayout.RANK).leq(k));
      SortedMap<Long, Long> times = Histogram.frequencies(atK.groupBy(RunLayout.PRODUCT_INDEX).count(), "count");
      long covered = times.values().stream().mapToLong(Long::longValue).sum();
      out.add(new Ranking(k, value(a, 5 * i), value(a, 5 * i + 1), value(a, 5 * i + 2), value(a, 5 * i + 3),
          value(a, 5 * i + 4), catalogue == 0 ? 0 : (double) covered / catalogue, ScoreStats.gini(times, catalogue)));
    }
    return out;
  }

  private static double value(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getDouble(i);
  }

  /** IDCG of m hits at the top, for m = 1..maxK: an array literal, indexed (from 1) by min(held out, k). */
  private static Column idcg(int maxK) {
    Column[] values = new Column[maxK];
    double sum = 0;
    for (int i = 1; i <= maxK; i++) {
      sum += 1 / (Math.log(i + 1) / Math.log(2));
      values[i - 1] = lit(sum);
    }
    return org.apache.spark.sql.functions.array(values);
  }
}
