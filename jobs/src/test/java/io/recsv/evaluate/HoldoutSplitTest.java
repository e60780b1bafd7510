package io.recsv.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.recsv.TestSpark;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
