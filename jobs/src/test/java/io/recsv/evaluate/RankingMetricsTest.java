package io.recsv.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.recsv.TestSpark;
import io.recsv.report.EvaluationMetrics.Ranking;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The metrics Spark computes, against a plain Java computation of their definitions on a hand-made example. */
class RankingMetricsTest {

  private final SparkSession spark = TestSpark.get();

  /** Lists best first; user 3 has a holdout but no list, user 4 a list but no holdout (not evaluated). */
  private static final Map<Integer, int[]> LISTS = Map.of(
      1, new int[] {10, 11, 12, 13, 14, 15, 16},
      2, new int[] {20, 21},  // k larger than what the catalogue (less what was seen) allowed
      4, new int[] {10, 11});
  private static final Map<Integer, Set<Integer>> HOLDOUT = Map.of(
      1, Set.of(11, 14, 99),
      2, Set.of(20),
      3, Set.of(30));
  private static final long CATALOGUE = 30;  // product indices of the lists are below it

  @Test
  void sparkAgreesWithTheDefinitions() {
    List<Row> lists = new ArrayList<>();
    LISTS.forEach((u, products) -> lists.add(RowFactory.create(u, products)));
    List<Row> holdout = new ArrayList<>();
    HOLDOUT.forEach((u, products) -> holdout.add(RowFactory.create(u, products.stream().sorted()
        .mapToInt(Integer::intValue).toArray())));
    Dataset<Row> l = spark.createDataFrame(lists, new StructType().add("user_index", DataTypes.IntegerType)
        .add("products", DataTypes.createArrayType(DataTypes.IntegerType, false)));
    Dataset<Row> h = spark.createDataFrame(holdout, new StructType().add("user_index", DataTypes.IntegerType)
        .add("held", DataTypes.createArrayType(DataTypes.IntegerType, false)));

    List<Ranking> got = RankingMetrics.of(l, h, List.of(2, 5, 30), CATALOGUE);
    for (Ranking r : got) {
      Ranking want = expected(r.k());
      String at = "@" + r.k();
      assertEquals(want.precision(), r.precision(), 1e-12, "precision" + at);
      assertEquals(want.recall(), r.recall(), 1e-12, "recall" + at);
      assertEquals(want.ndcg(), r.ndcg(), 1e-12, "ndcg" + at);
      assertEquals(want.map(), r.map(), 1e-12, "map" + at);
      assertEquals(want.hitRate(), r.hitRate(), 1e-12, "hit rate" + at);
      assertEquals(want.coverage(), r.coverage(), 1e-12, "coverage" + at);
      assertEquals(want.gini(), r.gini(), 1e-12, "gini" + at);
    }
    // By hand, at 5: user 1 hits at ranks 2 and 5 of {11, 14, 99}; user 2 at rank 1 of {20}; user 3 nothing.
    Ranking at5 = got.get(1);
    assertEquals((2 / 5.0 + 1 / 5.0 + 0) / 3, at5.precision(), 1e-12);
    assertEquals((2 / 3.0 + 1 + 0) / 3, at5.recall(), 1e-12);
    assertEquals(((1 / 2.0 + 2 / 5.0) / 3 + 1 + 0) / 3, at5.map(), 1e-12);
  }

  /** The definitions, one user at a time; every user with a holdout counts. */
  private static Ranking expected(int k) {
    double precision = 0;
    double recall = 0;
    double ndcg = 0;
    double map = 0;
    double hits = 0;
    Map<Integer, Integer> covered = new HashMap<>();
    LISTS.forEach((u, products) -> {
      for (int r = 0; r < Math.min(k, products.length); r++) {
        covered.merge(products[r], 1, Integer::sum);
      }
    });
    for (Map.Entry<Integer, Set<Integer>> e : HOLDOUT.entrySet()) {
      int[] list = LISTS.getOrDefault(e.getKey(), new int[0]);
      Set<Integer> held = e.getValue();
      int found = 0;
      double dcg = 0;
      double ap = 0;
      for (int r = 1; r <= Math.min(k, list.length); r++) {
        if (held.contains(list[r - 1])) {
          found++;
          dcg += 1 / log2(r + 1);
          ap += (double) found / r;
        }
      }
      double idcg = 0;
      for (int i = 1; i <= Math.min(k, held.size()); i++) {
        idcg += 1 / log2(i + 1);
      }
      precision += (double) found / k;
      recall += (double) found / held.size();
      ndcg += dcg / idcg;
      map += ap / Math.min(k, held.size());
      hits += found > 0 ? 1 : 0;
    }
    int n = HOLDOUT.size();
    java.util.SortedMap<Long, Long> times = new java.util.TreeMap<>();
    covered.values().forEach(t -> times.merge((long) t, 1L, Long::sum));
    return new Ranking(k, precision / n, recall / n, ndcg / n, map / n, hits / n, covered.size() / (double) CATALOGUE,
        io.recsv.report.ScoreStats.gini(times, CATALOGUE));
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
