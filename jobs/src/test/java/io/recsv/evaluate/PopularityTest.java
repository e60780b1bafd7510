package io.recsv.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.recsv.TestSpark;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The popularity baseline's ranking and lists, against a count and a walk written plainly here. */
class PopularityTest {

  private static final int CATALOGUE = 50;

  @Test
  void theRankingIsTheCountsMostFirstTiesToTheLowerIndexWithoutUntrainedProducts() {
    // 300 users over several partitions, each training with a few distinct products of 0..39: 40..49 never trained.
    Random random = new Random(7);
    List<int[]> users = new ArrayList<>();
    for (int u = 0; u < 300; u++) {
      TreeSet<Integer> products = new TreeSet<>();
      int n = 1 + random.nextInt(6);
      while (products.size() < n) {
        products.add(random.nextInt(8) * 5 % 40 + random.nextInt(2));  // few distinct counts: many ties
      }
      users.add(products.stream().mapToInt(Integer::intValue).toArray());
    }
    List<Row> rows = users.stream().map(p -> RowFactory.create((Object) p)).toList();
    StructType schema = new StructType().add(HoldoutSplit.TRAIN, DataTypes.createArrayType(DataTypes.IntegerType,
        false), false);
    int[] got = Popularity.ranking(TestSpark.get().createDataFrame(rows, schema).repartition(4).queryExecution()
        .toRdd().toJavaRDD(), CATALOGUE);

    int[] counts = new int[CATALOGUE];
    users.forEach(p -> IntStream.of(p).forEach(i -> counts[i]++));
    int[] want = IntStream.range(0, CATALOGUE).filter(p -> counts[p] > 0).boxed()
        .sorted(Comparator.<Integer>comparingInt(p -> -counts[p]).thenComparingInt(p -> p))
        .mapToInt(Integer::intValue).toArray();
    assertArrayEquals(want, got);
  }

  @Test
  void aUsersListSkipsWhatItHasSeenAndStopsAtK() {
    int[] ranking = {7, 3, 9, 1, 4};
    assertArrayEquals(new int[] {7, 9}, Popularity.list(new int[] {1, 3}, ranking, 2));
    assertArrayEquals(new int[] {9, 4}, Popularity.list(new int[] {1, 3, 7}, ranking, 10));  // fewer than k left
    assertArrayEquals(new int[] {}, Popularity.list(new int[] {1, 3, 4, 7, 9}, ranking, 3));
  }
}
