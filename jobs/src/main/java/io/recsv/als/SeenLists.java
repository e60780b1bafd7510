package io.recsv.als;

import static org.apache.spark.sql.functions.col;

import io.recsv.lineage.RunLayout;
import io.recsv.run.SparkSessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Each user's seen products as one row, from (user, product) pairs. Prepare writes a user's pairs together, so a
 * task reads them as one run per user: the runs are gathered on the spot and only they are shuffled (one record
 * per user, not per pair), then a user's runs, one in prepare's layout, are joined and sorted. Pairs in another
 * order give shorter runs and cost more, never a different list. Spark's {@code groupBy} with
 * {@code collect_list} shuffles every pair and, past 128 users a task, sorts them all to group them.
 */
final class SeenLists {

  static final StructType SCHEMA = new StructType()
      .add(RunLayout.USER_INDEX, DataTypes.IntegerType, false)
      .add(Recommender.SEEN, DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  private SeenLists() {}

  static Dataset<Row> of(Dataset<Row> pairs) {
    SparkSession spark = pairs.sparkSession();
    int partitions = SparkSessions.shufflePartitions(spark);
    JavaRDD<InternalRow> rows = pairs
        .select(col(RunLayout.USER_INDEX).cast("int"), col(RunLayout.PRODUCT_INDEX).cast("int"))
        .queryExecution().toRdd().toJavaRDD()
        .mapPartitionsToPair(SeenLists::runs)
        .partitionBy(new HashPartitioner(partitions))
        .mapPartitions(SeenLists::joined);
    return spark.internalCreateDataFrame(rows.rdd(), SCHEMA, false);
  }

  /** A task's pairs as (user, products) runs: consecutive pairs of one user make one. */
  static Iterator<Tuple2<Integer, int[]>> runs(Iterator<InternalRow> pairs) {
    List<Tuple2<Integer, int[]>> out = new ArrayList<>();
    int[] products = new int[64];
    int size = 0;
    int user = 0;
    while (pairs.hasNext()) {
      InternalRow pair = pairs.next();
      int u = pair.getInt(0);
      if (size > 0 && u != user) {
        out.add(new Tuple2<>(user, Arrays.copyOf(products, size)));
        size = 0;
      }
      user = u;
      if (size == products.length) {
        products = Arrays.copyOf(products, size * 2);
      }
      products[size++] = pair.getInt(1);
    }
    if (size > 0) {
      out.add(new Tuple2<>(user, Arrays.copyOf(products, size)));
    }
    return out.iterator();
  }

  /** A partition's runs as one row per user (user_index, its products sorted), by user. */
  static Iterator<InternalRow> joined(Iterator<Tuple2<Integer, int[]>> runs) {
    List<Tuple2<Integer, int[]>> all = new ArrayList<>();
    runs.forEachRemaining(all::add);
    all.sort((a, b) -> Integer.compare(a._1(), b._1()));
    List<InternalRow> out = new ArrayList<>();
    for (int from = 0; from < all.size(); ) {
      int user = all.get(from)._1();
      int to = from;
      int n = 0;
      while (to < all.size() && all.get(to)._1() == user) {
        n += all.get(to)._2().length;
        to++;
      }
      int[] products = new int[n];
      int at = 0;
      for (int i = from; i < to; i++) {
        int[] run = all.get(i)._2();
        System.arraycopy(run, 0, products, at, run.length);
        at += run.length;
      }
      Arrays.sort(products);
      out.add(new GenericInternalRow(new Object[] {user, UnsafeArrayData.fromPrimitiveArray(products)}));
      from = to;
    }
    return out.iterator();
  }
}
