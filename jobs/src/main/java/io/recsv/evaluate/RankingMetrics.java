package io.recsv.evaluate;

import static org.apache.spark.sql.functions.col;

import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import io.recsv.report.EvaluationMetrics.Ranking;
import io.recsv.report.ScoreStats;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Ranking metrics of top-k lists against each user's held-out products, in one pass over one row per user (its
 * list beside its held-out products): the lists are computed once, and what reaches the driver is a few sums and
 * a count per product, whatever the number of users. Every user with a holdout counts, with zeros when it got no
 * list or no hit. Relevance is binary: a recommended product is a hit if the user interacted with it in the
 * holdout. Coverage and Gini count the lists of every user, with a holdout or not.
 */
final class RankingMetrics {

  private RankingMetrics() {}

  /**
   * @param lists (user_index, products) with products best first ({@link TopLists#PRODUCTS}), at least
   *     {@code max(ks)} per user where the catalogue allows
   * @param held the evaluated users, one row each: user_index, their held-out products (sorted, distinct)
   * @param catalogue the number of products a list could hold (product indices are below it; coverage's
   *     denominator, and Gini's population)
   */
  static List<Ranking> of(Dataset<Row> lists, Dataset<Row> held, List<Integer> ks, long catalogue) {
    // By name, through aliases: both sides may come from one dataset (the holdout's rows), which Spark's columns of
    // each side could not tell apart.
    Dataset<Row> users = lists.as("lists").join(held.as("held"), col("lists." + RunLayout.USER_INDEX)
        .equalTo(col("held." + RunLayout.USER_INDEX)), "full_outer")
        .select(col("lists." + TopLists.PRODUCTS), col("held." + HoldoutSplit.HELD));
    // Spark's own rows, their arrays copied out as they are read (an external Row boxes every element).
    return of(users.queryExecution().toRdd().toJavaRDD().map(row -> new Listed(row.isNullAt(0) ? new int[0]
        : row.getArray(0).toIntArray(), row.isNullAt(1) ? null : row.getArray(1).toIntArray())), ks, catalogue);
  }

  /**
   * The same from each user's list already beside its held-out products (when both come from the same row, no
   * join is needed).
   */
  static List<Ranking> of(JavaRDD<Listed> users, List<Integer> ks, long catalogue) {
    int[] k = ks.stream().mapToInt(Integer::intValue).toArray();
    int maxK = Arrays.stream(k).max().orElseThrow();
    Sums total = users.treeAggregate(new Sums(k.length, (int) catalogue, maxK), (sums, user) -> sums.add(user, k),
        Sums::merge);
    List<Ranking> out = new ArrayList<>();
    for (int i = 0; i < k.length; i++) {
      SortedMap<Long, Long> times = total.timesRecommended(i);
      long covered = times.values().stream().mapToLong(Long::longValue).sum();
      out.add(new Ranking(k[i], total.mean(i, 0), total.mean(i, 1), total.mean(i, 2), total.mean(i, 3),
          total.mean(i, 4), catalogue == 0 ? 0 : (double) covered / catalogue, ScoreStats.gini(times, catalogue)));
    }
    return out;
  }

  /**
   * A user's list (product indices, best first; empty when it got none) and its held-out products (sorted,
   * distinct; null when the user has no holdout, and is not evaluated).
   */
  record Listed(int[] products, int[] held) implements Serializable {}

  /**
   * Per k: the sums over evaluated users of precision, recall, NDCG, average precision and hit (5 numbers each),
   * and how often each product is in the first k of a list. Each partition sums its users in their order, and the
   * partitions' sums are added in the partitions' order at the end: Spark merges the tasks' results in the order
   * they finish, and a sum of doubles in another order may differ in its last bit, which would make the same run's
   * metrics differ from themselves.
   */
  private static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int METRICS = 5;

    /** Each partition's sums, by the partition's index. */
    final SortedMap<Integer, double[]> byPartition = new TreeMap<>();
    private final int width;
    final long[][] recommended;
    /** The gain of a hit at rank r, 1 / log2(r + 1), and the ideal DCG of m hits: computed once, not per user. */
    final double[] discount;
    final double[] idcg;
    long users;

    Sums(int ks, int catalogue, int maxK) {
      width = ks * METRICS;
      recommended = new long[ks][catalogue];
      discount = new double[maxK + 1];
      idcg = new double[maxK + 1];
      for (int r = 1; r <= maxK; r++) {
        discount[r] = 1 / log2(r + 1);
        idcg[r] = idcg[r - 1] + discount[r];
      }
    }

    Sums add(Listed user, int[] ks) {
      int[] list = user.products();
      for (int i = 0; i < ks.length; i++) {
        for (int r = 0; r < Math.min(ks[i], list.length); r++) {
          recommended[i][list[r]]++;
        }
      }
      if (user.held() == null) {
        return this;  // no holdout: not evaluated
      }
      int[] held = user.held();
      users++;
      double[] sums = byPartition.computeIfAbsent(TaskContext.getPartitionId(), p -> new double[width]);
      for (int i = 0; i < ks.length; i++) {
        int k = ks[i];
        int found = 0;
        double dcg = 0;
        double ap = 0;
        for (int r = 1; r <= Math.min(k, list.length); r++) {
          if (Arrays.binarySearch(held, list[r - 1]) >= 0) {
            found++;
            dcg += discount[r];
            ap += (double) found / r;
          }
        }
        int ideal = Math.min(k, held.length);
        double[] m = {(double) found / k, (double) found / held.length, dcg / idcg[ideal], ap / ideal,
            found > 0 ? 1 : 0};
        for (int j = 0; j < METRICS; j++) {
          sums[i * METRICS + j] += m[j];
        }
      }
      return this;
    }

    Sums merge(Sums other) {
      users += other.users;
      other.byPartition.forEach((p, sums) -> byPartition.merge(p, sums, (a, b) -> {
        throw new IllegalStateException("partition " + p + "'s sums met twice");
      }));
      for (int i = 0; i < recommended.length; i++) {
        for (int p = 0; p < recommended[i].length; p++) {
          recommended[i][p] += other.recommended[i][p];
        }
      }
      return this;
    }

    double mean(int k, int metric) {
      double sum = 0;
      for (double[] sums : byPartition.values()) {
        sum += sums[k * METRICS + metric];
      }
      return users == 0 ? 0 : sum / users;
    }

    /** Times recommended -> how many products, for the products in the first k of some list. */
    SortedMap<Long, Long> timesRecommended(int k) {
      SortedMap<Long, Long> times = new TreeMap<>();
      for (long t : recommended[k]) {
        if (t > 0) {
          times.merge(t, 1L, Long::sum);
        }
      }
      return times;
    }

    private static double log2(double x) {
      return Math.log(x) / Math.log(2);
    }
  }
}
