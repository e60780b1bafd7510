package io.recsv.als;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Each user's seen products, whatever the order and the partitions of the pairs: those Spark's grouping gives. */
class SeenListsTest {

  private static final StructType PAIRS = new StructType().add("user_index", DataTypes.IntegerType)
      .add("product_index", DataTypes.IntegerType);

  /** Users 0..199 with 0 to 40 products each, in prepare's layout (by user) or shuffled. */
  private static List<Row> pairs(boolean shuffled) {
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 200; u++) {
      for (int i = 0, n = random.nextInt(41); i < n; i++) {
        rows.add(RowFactory.create(u, random.nextInt(1000)));
      }
    }
    if (shuffled) {
      Collections.shuffle(rows, random);
    }
    return rows;
  }

  private static Map<Integer, List<Integer>> byUser(Dataset<Row> lists) {
    Map<Integer, List<Integer>> out = new TreeMap<>();
    lists.collectAsList().forEach(r -> out.put(r.getInt(0), r.getList(1)));
    return out;
  }

  @Test
  void theListsAreSparksGroupingInPreparesLayoutAndInAnyOther() {
    for (boolean shuffled : new boolean[] {false, true}) {
      // 7 slices of the pairs as listed: in prepare's layout some users are cut between two tasks, whose runs are
      // joined after the shuffle.
      Dataset<Row> input = TestSpark.get().createDataFrame(JavaSparkContext.fromSparkContext(TestSpark.get()
          .sparkContext()).parallelize(pairs(shuffled), 7), PAIRS);
      List<Integer> firstUsers = input.javaRDD().mapPartitions(rows -> rows.hasNext()
          ? List.of(rows.next().getInt(0)).iterator() : Collections.<Integer>emptyIterator()).collect();
      long cut = input.javaRDD().mapPartitionsWithIndex((i, rows) -> {
        List<Integer> last = new ArrayList<>();
        rows.forEachRemaining(r -> last.add(r.getInt(0)));
        return last.isEmpty() ? Collections.<Integer>emptyIterator() : List.of(last.get(last.size() - 1)).iterator();
      }, true).collect().stream().filter(firstUsers::contains).count();
      if (!shuffled) {
        assertTrue(cut > 0, "a user's pairs in two tasks");
      }
      Map<Integer, List<Integer>> want = byUser(input.groupBy("user_index")
          .agg(array_sort(collect_list(col("product_index")))));
      assertEquals(want, byUser(SeenLists.of(input)), shuffled ? "shuffled" : "by user");
      assertEquals(SeenLists.SCHEMA, SeenLists.of(input).schema());
    }
  }
}
