package io.recsv.evaluate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** With times, each user's latest pairs are held out; without, a seeded choice of the same size. */
class HoldoutSplitTest {

  private static Dataset<Row> interactions(boolean timed) {
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      rows.add(timed ? RowFactory.create(0, p, 1f, 100L + p) : RowFactory.create(0, p, 1f));  // 8 pairs: 2 held
    }
    for (int p = 0; p < 3; p++) {
      rows.add(timed ? RowFactory.create(1, p, 1f, 100L + p) : RowFactory.create(1, p, 1f));  // too few: whole
    }
    StructType schema = new StructType().add("user_index", DataTypes.IntegerType)
        .add("product_index", DataTypes.IntegerType).add("weight", DataTypes.FloatType);
    return TestSpark.get().createDataFrame(rows, timed ? schema.add("last_time", DataTypes.LongType) : schema);
  }

  private static Set<String> held(HoldoutSplit split) {
    Set<String> out = new HashSet<>();
    split.users().collectAsList().forEach(r -> r.<Integer>getList(3).forEach(p -> out.add(r.getInt(0) + "/" + p)));
    return out;
  }

  @Test
  void theLatestPairsAreHeldOutWhenPrepareKeptTimes() {
    try (HoldoutSplit split = HoldoutSplit.of(interactions(true), 0.25, 4, 1, 42)) {
      assertEquals(HoldoutSplit.LATEST, split.method());
      assertEquals(Set.of("0/7", "0/6"), held(split));
      assertEquals(9, split.train().count());
    }
  }

  /**
   * Users of 1 to 100 pairs (past the small sort of a user's pairs), many sharing a second, every 3rd user sampled,
   * spread over several partitions: each row is what the rule gives, computed here from Spark's own hash: the
   * latest first, then the smaller hash, then the smaller product; the rest trains, each product with its weight.
   */
  @Test
  void eachUsersRowFollowsTheRuleWhateverItsSizeAndTies() {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 60; u++) {
      for (int i = 0; i < 1 + (u * 37) % 100; i++) {
        int product = (i * 7919 + u) % 5000;
        rows.add(RowFactory.create(u, product, 0.5f + product % 13, 1000L + (i * 31 + u) % 9));
      }
    }
    StructType schema = new StructType().add("user_index", DataTypes.IntegerType)
        .add("product_index", DataTypes.IntegerType).add("weight", DataTypes.FloatType)
        .add("last_time", DataTypes.LongType);
    Dataset<Row> interactions = TestSpark.get().createDataFrame(rows, schema).repartition(5);
    Map<Integer, List<Row>> byUser = new TreeMap<>();
    interactions.select(col("user_index"), col("product_index"), col("weight"), col("last_time"),
            xxhash64(col("user_index"), col("product_index"), lit(42L))).collectAsList()
        .forEach(r -> byUser.computeIfAbsent(r.getInt(0), u -> new ArrayList<>()).add(r));
    Map<Integer, String> expected = new TreeMap<>();
    byUser.forEach((user, pairs) -> {
      if (user % 3 != 0) {
        return;
      }
      pairs.sort(Comparator.<Row>comparingLong(r -> -r.getLong(3)).thenComparingLong(r -> r.getLong(4))
          .thenComparingInt(r -> r.getInt(1)));
      int held = pairs.size() >= 4 ? Math.max(1, (int) Math.floor(pairs.size() * 0.25)) : 0;
      List<Integer> heldProducts = pairs.subList(0, held).stream().map(r -> r.getInt(1)).sorted().toList();
      List<String> train = pairs.subList(held, pairs.size()).stream().sorted(Comparator.comparingInt(r -> r.getInt(1)))
          .map(r -> r.getInt(1) + ":" + r.getFloat(2)).toList();
      expected.put(user, train + " held " + heldProducts);
    });
    try (HoldoutSplit split = HoldoutSplit.of(interactions, 0.25, 4, 3, 42)) {
      Map<Integer, String> made = new TreeMap<>();
      for (Row r : split.users().collectAsList()) {
        List<Integer> train = r.getList(1);
        List<Float> weights = r.getList(2);
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
          pairs.add(train.get(i) + ":" + weights.get(i));
        }
        made.put(r.getInt(0), pairs + " held " + r.getList(3));
      }
      assertEquals(expected, made);

      // ALS trains on each user's place in the sample (0, 1, 2, ... for users 0, 3, 6, ...), mapped back by the split.
      Map<Integer, List<String>> trained = new TreeMap<>();
      split.train().select(col("user_index"), split.userIndexOf(col("user_index")), col("product_index"),
          col("weight")).collectAsList().forEach(r -> trained.computeIfAbsent(r.getInt(0), u -> new ArrayList<>())
          .add(r.getInt(1) + " " + r.getInt(2) + ":" + r.getFloat(3)));
      assertEquals(IntStream.range(0, 20).boxed().toList(), List.copyOf(trained.keySet()));
      trained.forEach((place, pairs) -> {
        assertTrue(pairs.stream().allMatch(p -> p.startsWith(place * 3 + " ")), place + ": " + pairs);
        assertEquals(expected.get(place * 3).replaceAll(" held .*", ""), pairs.stream()
            .map(p -> p.substring(p.indexOf(' ') + 1)).sorted(Comparator.comparingInt(p ->
                Integer.parseInt(p.substring(0, p.indexOf(':'))))).toList().toString());
      });
    }
  }

  @Test
  void withoutTimesASeededChoiceOfTheSameSize() {
    Set<String> first;
    try (HoldoutSplit split = HoldoutSplit.of(interactions(false), 0.25, 4, 1, 42)) {
      assertEquals(HoldoutSplit.RANDOM, split.method());
      first = held(split);
      assertEquals(2, first.size());
      assertEquals(9, split.train().count());
    }
    try (HoldoutSplit again = HoldoutSplit.of(interactions(false), 0.25, 4, 1, 42)) {
      assertEquals(first, held(again), "the same seed, the same holdout");
    }
  }
}
