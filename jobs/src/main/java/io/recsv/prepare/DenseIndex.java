package io.recsv.prepare;

import io.recsv.common.UserError;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Maps 64-bit ids to dense int indices 0..n-1, as ALS needs: an id's index is its rank among the distinct
 * ids in ascending order. That is deterministic (the same ids give the same indices on any cluster, in any
 * partitioning) and order-preserving, so "ties by product id" and "ties by product index" are the same
 * order. It scales: a distributed range sort, then {@code zipWithIndex}, which only sends each partition's
 * row count to the driver — no id is collected, no single-partition window.
 */
final class DenseIndex {

  private DenseIndex() {}

  /** (idColumn long, indexColumn int), one row per distinct id of {@code ids}' single long column. */
  static Dataset<Row> of(Dataset<Row> ids, String idColumn, String indexColumn, String what) {
    JavaRDD<Long> sorted = ids.distinct().as(Encoders.LONG()).javaRDD()
        .sortBy(id -> id, true, ids.sparkSession().sparkContext().defaultParallelism());
    JavaRDD<Row> rows = sorted.zipWithIndex().map(pair -> {
      if (pair._2() > Integer.MAX_VALUE) {
        throw new UserError("more than " + Integer.MAX_VALUE + " distinct " + what + ": ALS indexes them with int");
      }
      return RowFactory.create(pair._1(), (int) (long) pair._2());
    });
    StructType schema = new StructType()
        .add(idColumn, DataTypes.LongType, false)
        .add(indexColumn, DataTypes.IntegerType, false);
    return ids.sparkSession().createDataFrame(rows, schema);
  }
}
