package io.recsv.prepare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.recsv.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class UserBucketsTest {

  private final SparkSession spark = TestSpark.get();

  @Test
  void aUsersBlockIsTheOneSparksRepartitionByItsIdChooses() {
    Random random = new Random(5);
    List<Long> ids = new ArrayList<>(List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 3000000000L));
    for (int i = 0; i < 2000; i++) {
      ids.add(i % 2 == 0 ? random.nextLong() : random.nextInt(100_000));
    }
    for (int blocks : new int[] {1, 7, 200}) {
      Dataset<Row> placed = spark.createDataset(ids, Encoders.LONG()).toDF("user_id")
          .repartition(blocks, col("user_id")).withColumn("block", spark_partition_id());
      for (Row r : placed.collectAsList()) {
        assertEquals(r.getInt(1), LongHashPartitioner.partitionOf(r.getLong(0), blocks), "user " + r.getLong(0));
      }
    }
  }

  @Test
  void everyRowReachesOneChunkOfItsUsersBlockHoweverManyFlushes() {
    int blocks = 5;
    UserBuckets buckets = new UserBuckets(blocks, PrepareJob.Aggregate.COUNT, false);
    int rows = UserBuckets.FLUSH + 1000;  // one flush on the way, one at the end
    for (int i = 0; i < rows; i++) {
      buckets.add(i % 997, i % 13, 5, 0);
    }
    double counted = 0;
    for (var chunk : buckets.chunks()) {
      SortedPairs c = chunk._2();
      for (int i = 0; i < c.size(); i++) {
        assertEquals((int) chunk._1(), LongHashPartitioner.partitionOf(c.users[i], blocks));
        counted += c.weights[i];
      }
    }
    assertEquals(rows, counted, "COUNT: each row once, whatever its weight");
  }
}
